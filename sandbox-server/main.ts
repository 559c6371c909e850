/**
 * `npm start`: one process, one port. Serves the built site, the JSON API under /api and every
 * learner's live URL, with SQLite embedded. PORT sets the port (default 3000); SOLUTIONS who
 * may read reference solutions (after-attempt, never or always; http/solutions.ts).
 */
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { serve } from '@hono/node-server'
import { serveStatic } from '@hono/node-server/serve-static'
import type { Context } from 'hono'
import { createDbPool } from './capabilities/db/index.ts'
import { createSessionStore } from './sessions/index.ts'
import { createServerApp } from './http/app.ts'
import { solutionPolicyFrom, type SolutionPolicy } from './http/solutions.ts'
import { buildPrelude } from './runtime/prelude/build.ts'

const port = Number(process.env.PORT ?? 3000)
let solutions: SolutionPolicy
try {
  solutions = solutionPolicyFrom(process.env.SOLUTIONS)
} catch (error) {
  console.error((error as Error).message)
  process.exit(2)
}
const siteDir = fileURLToPath(new URL('../site/dist/', import.meta.url))

const db = createDbPool()
const sessions = await createSessionStore({ db })
const sessionsPerMinute = Number(process.env.SESSIONS_PER_MINUTE ?? 60)
const gradesPerMinute = Number(process.env.GRADES_PER_MINUTE ?? 30)
await buildPrelude()

/** Until the site is built, `/` says what already works instead of a bare 404. */
const placeholder = `<!doctype html><html lang="en"><meta charset="utf-8"><title>Backend Sandbox</title>
<body style="font:16px/1.5 system-ui;max-width:40rem;margin:3rem auto;padding:0 1rem">
<h1>Backend Sandbox</h1><p>The sandbox server is running: the JSON API is under <code>/api</code>
and every session has a live URL. The learning site has not been built here yet; see README.md.</p></body></html>`

const staticFiles = existsSync(siteDir) ? serveStatic({ root: siteDir }) : undefined
async function site(c: Context): Promise<Response | undefined> {
  if (staticFiles) return (await staticFiles(c, async () => {})) ?? undefined
  return c.req.path === '/' ? c.html(placeholder) : undefined
}

const app = createServerApp({ sessions, site, sessionsPerMinute, gradesPerMinute, solutions })
const server = serve({ fetch: app.fetch, port }, (info) => {
  console.log(`Backend Sandbox is running at http://localhost:${info.port}/`)
})

function shutdown() {
  server.close()
  void sessions
    .dispose()
    .then(() => db.dispose())
    .finally(() => process.exit(0))
}
process.on('SIGINT', shutdown)
process.on('SIGTERM', shutdown)
