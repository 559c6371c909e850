/**
 * The bench's yardstick: plain Hono on @hono/node-server with the same routes as the bench's
 * learner app (bench/learner-app.ts), and better-sqlite3 in process, one `:memory:` database
 * per Host header as the sandbox keeps one per session. No isolate, no limits, no logs: what
 * the same app costs with nothing around it.
 */
import Database from 'better-sqlite3'
import { Hono } from 'hono'

/**
 * @example
 * const app = createPlainHonoApp()
 * await app.request('/hit', { headers: { host: 'a.localhost' } }) // {"n":1}
 */
export function createPlainHonoApp(): Hono {
  const databases = new Map<string, Database.Database>()
  function databaseFor(host: string) {
    let db = databases.get(host)
    if (!db) {
      db = new Database(':memory:')
      db.exec('CREATE TABLE IF NOT EXISTS hits (n INTEGER)')
      databases.set(host, db)
    }
    return db
  }
  const app = new Hono()
  app.get('/', (c) => c.json({ hello: 'world' }))
  app.get('/hit', (c) => {
    const db = databaseFor(c.req.header('host') ?? '')
    db.prepare('INSERT INTO hits VALUES (1)').run()
    return c.json(db.prepare('SELECT count(*) AS n FROM hits').get())
  })
  return app
}
