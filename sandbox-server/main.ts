/**
 * `npm start`: one process, one port. Serves the built site, the JSON API under /api, every
 * learner's live URL and the operator routes, with SQLite embedded. Settings come from the
 * environment (see "Operating it" in the README): PORT (default 3000), LOG_LEVEL,
 * LOG_LINES_PER_SECOND, LOG_BURST, HEADERS_TIMEOUT_MS, REQUEST_TIMEOUT_MS, MAX_CONNECTIONS,
 * SESSIONS_PER_MINUTE, GRADES_PER_MINUTE, and SOLUTIONS: who may read reference solutions
 * (after-attempt, never or always; http/solutions.ts). Logs are JSON lines on standard output.
 */
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { serveStatic } from '@hono/node-server/serve-static'
import type { Context } from 'hono'
import pino from 'pino'
import { createDbPool } from './capabilities/db/index.ts'
import { createSessionStore } from './sessions/index.ts'
import { createServerApp } from './http/app.ts'
import { startSandboxServer } from './http/serve.ts'
import { createLogger, setProcessLogger } from './observability/index.ts'
import { buildPrelude } from './runtime/prelude/build.ts'
import { prewarmCheckThreads } from './grading/index.ts'
import { solutionPolicyFrom, type SolutionPolicy } from './http/solutions.ts'

/** A numeric setting from the environment, or its default when unset. */
function setting(name: string, fallback: number): number {
  const value = process.env[name]
  if (value === undefined || value === '') return fallback
  const number = Number(value)
  if (!Number.isFinite(number) || number < 0) throw new Error(`${name} must be a number of 0 or more, not ${JSON.stringify(value)}`)
  return number
}

const port = setting('PORT', 3000)
const logger = createLogger({ destination: pino.destination(1) })
// Internal errors reported outside a request (a background timer's capability call) go here too.
setProcessLogger(logger)
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
const sessionsPerMinute = setting('SESSIONS_PER_MINUTE', 60)
const gradesPerMinute = setting('GRADES_PER_MINUTE', 30)
await buildPrelude()
// The first grade should not wait for a check thread to start (tsx, Vitest: a few hundred ms).
prewarmCheckThreads(1)

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

const app = createServerApp({
  sessions,
  site,
  sessionsPerMinute,
  gradesPerMinute,
  solutions,
  logger,
  logBudget: { linesPerSecond: setting('LOG_LINES_PER_SECOND', 50), burst: setting('LOG_BURST', 500) },
})
const { server, port: boundPort } = await startSandboxServer({
  fetch: app.fetch,
  port,
  headersTimeoutMs: setting('HEADERS_TIMEOUT_MS', 10_000),
  requestTimeoutMs: setting('REQUEST_TIMEOUT_MS', 30_000),
  maxConnections: setting('MAX_CONNECTIONS', 500),
})
logger.info({ event: 'listening', port: boundPort })
console.log(`Backend Sandbox is running at http://localhost:${boundPort}/`)

function shutdown() {
  server.close()
  void sessions
    .dispose()
    .then(() => db.dispose())
    .finally(() => process.exit(0))
}
process.on('SIGINT', shutdown)
process.on('SIGTERM', shutdown)
