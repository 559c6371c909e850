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
  JSON.parse(new TextDecoder().decode((await store.request(id, { method: 'GET', path: '/' })).body!)).n

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

  it('puts a session back to a captured state: its rows, its cache and its clock reading the instant it was captured', async () => {
    const { id } = await sessions.create()
    await sessions.setCode(id, counter)
    expect(await visits(id)).toBe(1)
    const session = sessions.get(id)
    session.cache.set('kept', { n: 1 })
    const captured = await sessions.capture(id)

    expect(await visits(id)).toBe(2)
    session.cache.set('later', 2)
    session.cache.delete('kept')
    session.clock.advance(60 * 60_000)
    await sessions.restore(id, captured)

    expect(session.clock.now() - captured.clockAt).toBeLessThan(60 * 60_000)
    expect(session.clock.now()).toBeGreaterThanOrEqual(captured.clockAt)
    expect(session.cache.get('kept')).toEqual({ n: 1 })
    expect(session.cache.get('later')).toBeNull()
    // The row the second visit wrote is gone: this visit is the second again.
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

  it('over the memory budget, takes isolates back first and evicts only what still does not fit', async () => {
    const caching = `
import { Hono } from 'hono'
import { cache } from 'sandbox'
const app = new Hono()
app.get('/', (c) => { cache.set('held', 'x'.repeat(4000)); return c.text('ok') })
export default app`
    // The budget holds one cache entry but no isolate.
    const small = await createSessionStore({ db, memoryBudgetBytes: 6_000, sweepIntervalMs: 60_000 })
    try {
      const older = await small.create()
      const newer = await small.create()
      for (const { id } of [older, newer]) {
        await small.setCode(id, caching)
        await small.request(id, { method: 'GET', path: '/' })
      }
      await small.sweep()
      expect(small.appState(newer.id)).toBe('none')
      expect(() => small.get(older.id)).toThrow(UnknownSession)
      // The one kept answers again, from a new isolate.
      expect((await small.request(newer.id, { method: 'GET', path: '/' })).status).toBe(200)
    } finally {
      await small.dispose()
    }
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
