/**
 * `npm start`: one process, one port. Serves the built site, the JSON API under /api, every
 * learner's live URL and the operator routes, with SQLite embedded. Settings come from the
 * environment (see "Operating it" in the README): PORT (default 3000), LOG_LEVEL,
 * LOG_LINES_PER_SECOND, LOG_BURST, HEADERS_TIMEOUT_MS, REQUEST_TIMEOUT_MS, MAX_CONNECTIONS,
 * SESSIONS_PER_MINUTE, GRADES_PER_MINUTE, SOLUTIONS: who may read reference solutions
 * (after-attempt, never or always; http/solutions.ts), DATA_DIR: where sessions and their
 * databases are kept between runs (default ./data), SESSION_STORE: redis://host:port to share
 * sessions with other replicas behind a load balancer (DATA_DIR then holds working copies; see
 * sessions/store-redis.ts), REPLICA_NAME: this replica's name in session leases, LIVE_HOST_SUFFIX: what follows the session id in a live URL's host (default
 * .localhost), TRUSTED_PROXIES: addresses or CIDR ranges
 * whose X-Forwarded-For names the client (a load balancer's), WORKERS: worker processes for the
 * learners' isolates (default one per core; 0 runs them in this process), and
 * WORKER_RECYCLE_MB: a worker whose memory (PSS) grows past it is drained and replaced. Logs are JSON lines on standard output.
 */
import { existsSync, mkdirSync } from 'node:fs'
import { availableParallelism } from 'node:os'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { serveStatic } from '@hono/node-server/serve-static'
import type { Context } from 'hono'
import pino from 'pino'
import { createDbPool } from './capabilities/db/index.ts'
import { createSessionStore } from './sessions/index.ts'
import { localSessions, type SessionService } from './sessions/service.ts'
import { createWorkerSessions } from './sessions/workers/supervisor.ts'
import { clearWorkingCopies, sharedSessions } from './sessions/store-redis.ts'
import { createServerApp } from './http/app.ts'
import { startSandboxServer } from './http/serve.ts'
import { createLogger, passwordHashingCheck, setProcessLogger, sqlitePoolCheck } from './observability/index.ts'
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

// Sessions outlive the process: `npm start` after a crash or a restart continues each one.
const dataDir = resolve(process.env.DATA_DIR || 'data')
mkdirSync(dataDir, { recursive: true, mode: 0o700 })
// Learners' isolates run in worker processes (one per core), so no learner program can end
// this one; WORKERS=0 runs them here instead (one process, as the tests and the grader do).
const workers = setting('WORKERS', availableParallelism())
// Several replicas behind a load balancer share their sessions through Redis; this replica's
// DATA_DIR then holds only working copies, which an earlier run may have left stale.
const sharedStore = process.env.SESSION_STORE || undefined
if (sharedStore) clearWorkingCopies(dataDir)
const service =
  workers > 0
    ? await createWorkerSessions({ dataDir, workers, logger, recycleAboveBytes: setting('WORKER_RECYCLE_MB', 1536) * 1024 ** 2 })
    : localSessions(
        await createSessionStore({ db: createDbPool({ dataDir: join(dataDir, 'databases') }), stateFile: join(dataDir, 'sessions.sqlite') }),
      )
const shared = sharedStore
  ? await sharedSessions({ url: sharedStore, dataDir, service, logger, replica: process.env.REPLICA_NAME || undefined })
  : undefined
const sessions: SessionService = shared ?? service
logger.info({ event: 'sessions_loaded', sessions: sessions.size, workers })
const sessionsPerMinute = setting('SESSIONS_PER_MINUTE', 60)
const gradesPerMinute = setting('GRADES_PER_MINUTE', 30)
// The isolates need the prelude bundle in whichever process runs them; so do grades' check
// threads (in a worker process, the worker starts its own).
if (workers === 0) {
  await buildPrelude()
  // The first grade should not wait for a check thread to start (tsx, Vitest: a few hundred ms).
  prewarmCheckThreads(1)
}

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
  // A deployment's live URLs, e.g. ".sandbox.example.org" for <session>.sandbox.example.org.
  liveHostSuffix: process.env.LIVE_HOST_SUFFIX || undefined,
  site,
  sessionsPerMinute,
  gradesPerMinute,
  solutions,
  logger,
  logBudget: { linesPerSecond: setting('LOG_LINES_PER_SECOND', 50), burst: setting('LOG_BURST', 500) },
  // A replica sharing sessions is ready only while it reaches the store.
  readiness: [sqlitePoolCheck(sessions), passwordHashingCheck(), ...(shared ? [shared.storeCheck] : [])],
  trustedProxies: (process.env.TRUSTED_PROXIES ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean),
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

/**
 * Stops taking connections, lets the requests in progress finish (up to 10 s: a run's own
 * budgets end sooner), then stops the workers, which keep their sessions' state for the next
 * start. A second signal stops at once.
 */
let stopping = false
function shutdown() {
  if (stopping) process.exit(1)
  stopping = true
  const drained = new Promise<void>((resolve) => server.close(() => resolve()))
  server.closeIdleConnections()
  const deadline = new Promise<void>((resolve) => setTimeout(resolve, 10_000).unref())
  void Promise.race([drained, deadline])
    .then(() => sessions.dispose())
    .finally(() => process.exit(0))
}
process.on('SIGINT', shutdown)
process.on('SIGTERM', shutdown)
