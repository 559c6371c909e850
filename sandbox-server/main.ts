/**
 * `npm start`: one process, one port. Serves the built site, the JSON API under /api and every
 * learner's live URL, with SQLite embedded. PORT sets the port (default 3000).
 */
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { serve } from '@hono/node-server'
import { serveStatic } from '@hono/node-server/serve-static'
import type { Context } from 'hono'
import { createDbPool } from './capabilities/db/index.ts'
import { createSessionStore } from './sessions/index.ts'
import { createServerApp } from './http/app.ts'
import { buildPrelude } from './runtime/prelude/build.ts'

const port = Number(process.env.PORT ?? 3000)
const siteDir = fileURLToPath(new URL('../site/dist/', import.meta.url))

const db = createDbPool()
const sessions = await createSessionStore({ db })
const sessionsPerMinute = Number(process.env.SESSIONS_PER_MINUTE ?? 60)
await buildPrelude()

const staticSite = serveStatic({ root: siteDir })
const site = existsSync(siteDir)
  ? (c: Context) => staticSite(c, async () => {}) as Promise<Response | undefined>
  : undefined

const app = createServerApp({ sessions, site, sessionsPerMinute })
const server = serve({ fetch: app.fetch, port }, (info) => {
  console.log(`Backend Sandbox is running at http://localhost:${info.port}/`)
  if (!site) console.log('(The site is not built yet: the API and live URLs work; see README.)')
})

function shutdown() {
  server.close()
  void sessions.dispose().then(() => db.dispose()).finally(() => process.exit(0))
}
process.on('SIGINT', shutdown)
process.on('SIGTERM', shutdown)
