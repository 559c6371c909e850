import { describe, expect, it } from 'vitest'
import { createPlainHonoApp } from '../bench/plain-hono.ts'

describe('the bench’s plain Hono yardstick', () => {
  it('answers the learner app’s routes', async () => {
    const app = createPlainHonoApp()
    const hello = await app.request('/')
    expect(hello.status).toBe(200)
    expect(await hello.json()).toEqual({ hello: 'world' })
  })

  it('keeps one database per Host header, as the sandbox keeps one per session', async () => {
    const app = createPlainHonoApp()
    const hit = async (host: string) => (await (await app.request('/hit', { headers: { host } })).json()) as { n: number }
    expect(await hit('a.localhost')).toEqual({ n: 1 })
    expect(await hit('a.localhost')).toEqual({ n: 2 })
    expect(await hit('b.localhost')).toEqual({ n: 1 })
  })
})
