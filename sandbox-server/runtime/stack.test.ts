import { describe, expect, it } from 'vitest'
import { createStackMapper } from './stack.ts'

describe('stack mapper', () => {
  const mapStack = createStackMapper(JSON.stringify({ version: 3, sources: ['app.ts'], names: [], mappings: 'AAAA' }))

  it('drops prelude frames and keeps the learner’s', () => {
    expect(mapStack('Error: x\n    at f (sandbox:prelude:1:2)\n    at g (app.js:1:1)')).toBe('Error: x\n    at g (app.ts:1:1)')
  })

  it('cuts a huge message before mapping it, saying how much was left out', () => {
    const mapped = mapStack(`Error: ${'\n'.repeat(100_000)}x    at app.js:1:1`)
    expect(mapped.length).toBeLessThan(17 * 1024)
    expect(mapped).toMatch(/… \(\d+ more characters\)$/)
  })
})
