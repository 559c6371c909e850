import { afterAll, describe, expect, it, vi } from 'vitest'
import { createDbPool } from '../capabilities/db/index.ts'
import { createSessionStore, UnknownSession } from './index.ts'

const db = createDbPool()
const sessions = await createSessionStore({ db, idleAppMs: 0, idleTtlMs: 60_000, sweepIntervalMs: 60_000 })
afterAll(async () => {
  await sessions.dispose()
  await db.dispose()
})

const counter = `
import { Hono } from 'hono'
import { db } from 'sandbox'
db.run('CREATE TABLE IF NOT EXISTS visits (at INTEGER)')
const app = new Hono()
app.get('/', (c) => { db.run('INSERT INTO visits VALUES (1)'); return c.json(db.get('SELECT count(*) AS n FROM visits')) })
export default app`

const visits = async (id: string, store = sessions) =>
  JSON.parse(new TextDecoder().decode((await store.request(id, { method: 'GET', path: '/' })).body)).n

describe('sessions', () => {
  it('puts an idle app to sleep and wakes it with its data kept', async () => {
    const { id } = await sessions.create()
    await sessions.setCode(id, counter)
    expect(await visits(id)).toBe(1)
    expect(sessions.appState(id)).toBe('running')
    await sessions.sweep()
    expect(sessions.appState(id)).toBe('none')
    expect(await visits(id)).toBe(2)
  })

  it('removes a session unused for idleTtlMs and keeps one used since', async () => {
    const expiring = await createSessionStore({ db, idleTtlMs: 60_000, sweepIntervalMs: 60_000 })
    try {
      vi.useFakeTimers({ toFake: ['Date'] })
      const idle = await expiring.create()
      const used = await expiring.create()
      await expiring.setCode(used.id, counter)
      vi.setSystemTime(Date.now() + 40_000)
      expect(await visits(used.id, expiring)).toBe(1)
      vi.setSystemTime(Date.now() + 20_000)
      await expiring.sweep()
      expect(() => expiring.get(idle.id)).toThrow(UnknownSession)
      expect(await visits(used.id, expiring)).toBe(2)
      expect(expiring.size).toBe(1)
    } finally {
      vi.useRealTimers()
      await expiring.dispose()
    }
  })

  it('removes sessions over the memory budget, least recently used first', async () => {
    const small = await createSessionStore({ db, memoryBudgetBytes: 1, sweepIntervalMs: 60_000 })
    const { id } = await small.create()
    await small.setCode(id, counter)
    await small.sweep()
    expect(() => small.get(id)).toThrow(UnknownSession)
    await small.dispose()
  })

  it('calls an exported service function directly, with copied arguments and result', async () => {
    const { id } = await sessions.create()
    await sessions.setCode(
      id,
      `import { Hono } from 'hono'
export const prices = {
  rate: 1.2,
  withTax(amounts: number[]) { console.log('pricing', amounts.length); return amounts.map((amount) => amount * this.rate) },
}
export function fails() { throw new RangeError('no such price') }
export default new Hono()`,
    )
    expect(await sessions.call(id, 'prices.withTax', [[10, 20]])).toEqual({
      value: [12, 24],
      logs: [expect.objectContaining({ message: 'pricing 2' })],
    })
    await expect(sessions.call(id, 'prices.missing', [])).rejects.toThrow(/does not export a function prices\.missing/)
    await expect(sessions.call(id, 'fails', [])).rejects.toThrow(/RangeError: no such price \(at app\.ts:6:\d+\)/)
  })

  it('keeps the old code when new code does not compile', async () => {
    const { id } = await sessions.create()
    await sessions.setCode(id, counter)
    await expect(sessions.setCode(id, 'export default {')).rejects.toThrow(/does not compile/)
    expect(await visits(id)).toBe(1)
  })
})
