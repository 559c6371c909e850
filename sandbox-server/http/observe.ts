/**
 * The HTTP side of observability: one log line and one metric per API and live-URL request,
 * `/metrics`, `/health/live` and `/health/ready`.
 *
 * A request line names the route pattern (`/api/sessions/:id/requests`, `live`), never the raw
 * path, which holds the session id; the session appears only as its hash (see
 * ../observability/logging.ts). Site pages, health checks and metric scrapes are not logged.
 */
import { randomBytes } from 'node:crypto'
import type { IncomingMessage } from 'node:http'
import type { Context, Hono, MiddlewareHandler } from 'hono'
import { matchedRoutes } from 'hono/route'
import {
  checkReadiness,
  currentLogScope,
  logEvent,
  runInLogScope,
  type LogBudget,
  type Logger,
  type Metrics,
  type ReadinessCheck,
  type RequestLogScope,
  type RequestOutcome,
} from '../observability/index.ts'
import { addPhaseTime, addPhaseTimingRoutes } from '../observability/phase-timings.ts'
import { sessionFromHost } from './live.ts'

/** Patterns that only wrap other routes; a request matching nothing more specific is `unmatched`. */
const WRAPPING_ROUTES = new Set(['*', '/*', '/api/*'])
const SESSION_IN_PATH = /^\/(?:api\/sessions|s)\/([0-9a-f]{32})(?:\/|$)/

export interface ObserveRequestsOptions {
  logger: Logger
  metrics: Metrics
  budget: LogBudget
  liveHostSuffix: string
  /** The client a request comes from, whose log budget it spends. */
  clientOf(c: Context): string
}

/** The client closed the connection before its request arrived whole (an aborted upload, a body timeout). */
export function clientAborted(c: Context): boolean {
  const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming
  return incoming !== undefined && !incoming.complete && (incoming.destroyed || incoming.errored !== null)
}

/** Records which session the request is about, e.g. the one it just created (logged as a hash). */
export function noteSession(id: string): void {
  const scope = currentLogScope()
  if (scope) scope.session = id
}

/** Records that a run serving this request hit a limit; the request line and metrics say which. */
export function noteLimitHit(kind: string): void {
  const scope = currentLogScope()
  if (scope) scope.limit = kind
}

function routeLabel(c: Context): string {
  const specific = matchedRoutes(c).filter((route) => !WRAPPING_ROUTES.has(route.path))
  return specific.at(-1)?.path ?? 'unmatched'
}

/** Random bytes drawn 4 KiB at a time: one system call per 512 request ids, not one each (20 µs under load). */
let randomPool = Buffer.alloc(0)
let randomOffset = 0

/** 16 hex digits, random, for a request's log lines. */
function nextRequestId(): string {
  if (randomOffset === randomPool.length) {
    randomPool = randomBytes(4096)
    randomOffset = 0
  }
  return randomPool.toString('hex', randomOffset, (randomOffset += 8))
}

/**
 * Middleware: times each API and live-URL request, runs it in a log scope (its reqId, session
 * and client budget), then writes its line and metrics. API answers carry `X-Request-Id`; a
 * learner's live answers (both forms) are left as the app made them.
 *
 * @example
 * app.use('*', observeRequests({ logger, metrics, budget: createLogBudget(), liveHostSuffix: '.localhost', clientOf }))
 */
export function observeRequests({ logger, metrics, budget, liveHostSuffix, clientOf }: ObserveRequestsOptions): MiddlewareHandler {
  return async function observeRequests(c, next) {
    const liveSession = sessionFromHost(c.req.header('host'), liveHostSuffix)
    const path = c.req.path
    if (liveSession === undefined && !path.startsWith('/api/') && !path.startsWith('/s/')) return next()
    const started = performance.now()
    const reqId = nextRequestId()
    const scope: RequestLogScope = {
      logger: logger.child({ reqId }),
      client: clientOf(c),
      budget,
      session: liveSession ?? SESSION_IN_PATH.exec(path)?.[1],
    }
    await runInLogScope(scope, next)
    const handled = performance.now()
    const seconds = (handled - started) / 1000
    const method = c.req.method
    const route = liveSession === undefined ? routeLabel(c) : 'live'
    const status = c.res.status
    const aborted = clientAborted(c)
    const outcome = aborted ? 'aborted' : scope.limit !== undefined ? 'limit' : (`${Math.floor(status / 100)}xx` as RequestOutcome)
    // Only the API's own answers: on /s/ it would replace the header an app's hono/request-id set.
    if (liveSession === undefined && path.startsWith('/api/')) c.res.headers.set('X-Request-Id', reqId)
    metrics.recordRequest({ route, method, outcome, seconds })
    if (scope.limit !== undefined) metrics.recordLimitHit(scope.limit)
    runInLogScope(scope, () => {
      if (scope.limit !== undefined) logEvent('warn', 'limit_hit', { limit: scope.limit, route })
      logEvent(status >= 500 ? 'warn' : 'info', 'request', {
        method,
        route,
        status,
        ms: Math.round(seconds * 100_000) / 100,
        ...(scope.limit === undefined ? {} : { limit: scope.limit }),
        ...(aborted ? { aborted: true } : {}),
      })
    })
    addPhaseTime('logs', performance.now() - handled)
  }
}

/**
 * `GET /metrics` (Prometheus text), `GET /health/live` and `GET /health/ready` (503 with the
 * broken checks named when any capability cannot work); with BENCH_TIMINGS=1 also
 * `GET /bench/timings` (and `DELETE` to start again), see ../observability/phase-timings.ts.
 */
export function addOperatorRoutes(app: Hono, { metrics, readiness }: { metrics: Metrics; readiness: ReadinessCheck[] }): void {
  app.get('/metrics', async (c) => c.body(await metrics.render(), 200, { 'content-type': metrics.contentType }))
  app.get('/health/live', (c) => c.json({ ok: true }))
  app.get('/health/ready', async (c) => {
    const { ready, checks } = await checkReadiness(readiness)
    return c.json({ ok: ready, checks }, ready ? 200 : 503)
  })
  addPhaseTimingRoutes(app)
}
