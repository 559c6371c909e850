/**
 * The learner app every sandbox bench runs, and plain Hono's copy of its routes
 * (bench/plain-hono.ts): `/` answers JSON, `/hit` writes a row and reads a count, `/loop`
 * never ends (for the CPU limit).
 */
export const HELLO_APP = `import { Hono } from 'hono'
import { db } from 'sandbox'
db.run('CREATE TABLE IF NOT EXISTS hits (n INTEGER)')
const app = new Hono()
app.get('/', (c) => c.json({ hello: 'world' }))
app.get('/hit', (c) => { db.run('INSERT INTO hits VALUES (1)'); return c.json(db.get('SELECT count(*) AS n FROM hits')) })
app.get('/loop', () => { while (true) {} })
export default app
`
