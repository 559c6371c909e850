/**
 * The sandbox server's HTTP surface, one Hono app: the JSON API under `/api`, learners' live
 * URLs, the operator routes (`/metrics`, `/health/live`, `/health/ready`) and the built site.
 * Every body is size-limited and validated; every failure is one JSON error shape (errors.ts);
 * every API and live-URL request is logged and counted (observe.ts).
 */
import { Hono, type Context } from 'hono'
import { isIP } from 'node:net'
import { NoCodeLoaded, UnknownSession, hashCode, type AppResponse } from '../sessions/index.ts'
import type { SessionInfo, SessionService } from '../sessions/service.ts'
import { loadExercise } from '../exercises/index.ts'
import { withCurlLines } from '../grading/index.ts'
import { ValidationError, type FieldProblem } from '../validation/index.ts'
import { ApiError, errorResponse } from './errors.ts'
import { limitBody, readBody, readJson } from './bodies.ts'
import { believeProxies, clientOf, createRateLimiter, enforceRate, remoteOf } from './rate-limit.ts'
import {
  AdvanceClockBody,
  CreateSessionBody,
  EmptyBody,
  FORBIDDEN_METHODS,
  GradeBody,
  PutCodeBody,
  SendRequestBody,
  type AppClock,
  type AppResponseBody,
  type CodeLoaded,
  type SessionCreated,
  type SolutionFile,
  type TestRunBody,
} from './schemas.ts'
import { SESSION_ID_PATTERN, forwardedRequestHeaders, isNullBodyStatus, liveResponseHeaders, sessionFromHost } from './live.ts'
import { LimitExceeded } from '../runtime/errors.ts'
import type { RemoteAddress } from '../runtime/sandbox.ts'
import type { SolutionPolicy } from './solutions.ts'
import {
  createLogBudget,
  createLogger,
  createMetrics,
  passwordHashingCheck,
  sqlitePoolCheck,
  watchRuntimeEvents,
  type Logger,
  type LogBudgetOptions,
  type ReadinessCheck,
} from '../observability/index.ts'
import { addOperatorRoutes, noteSession, observeRequests } from './observe.ts'
import { addPhaseTime } from '../observability/phase-timings.ts'
import { streamActivity, type ActivityStreamOptions } from './activity-stream.ts'

export interface ServerAppOptions {
  sessions: SessionService
  /** Live hosts are `<session><liveHostSuffix>`; default ".localhost". */
  liveHostSuffix?: string
  /** Largest JSON body the API accepts. */
  maxApiBodyBytes?: number
  /** Largest body a live URL forwards into a learner's app. */
  maxLiveBodyBytes?: number
  /** Sessions one client may create per minute. */
  sessionsPerMinute?: number
  /** Grades and learner-test runs one client may start per minute (each builds fresh sessions). Default 30. */
  gradesPerMinute?: number
  /** Serves the built site for paths outside /api and /s (optional). */
  site?: (c: Context) => Promise<Response | undefined>
  /** Who may read reference solutions (GET /api/sessions/:id/solution); default after-attempt. */
  solutions?: SolutionPolicy
  /** Where request lines and events go. Default: a logger at LOG_LEVEL on standard error. */
  logger?: Logger
  /** Log lines one client may cause: a bucket of `burst` (default 500) refilled at `linesPerSecond` (default 50); the rest are dropped and counted. */
  logBudget?: Pick<LogBudgetOptions, 'linesPerSecond' | 'burst'>
  /** What `/health/ready` asks. Default: the SQLite pool has a live child, and password hashing answers. */
  readiness?: ReadinessCheck[]
  /** The request inspector's event stream: heartbeat and slow-client limits (activity-stream.ts). */
  activityStream?: ActivityStreamOptions
  /**
   * Proxies (addresses or CIDR ranges, e.g. `10.0.0.0/8`) whose `X-Forwarded-For` is believed:
   * behind HAProxy (`option forwardfor`), the client is the address the proxy appended, for rate
   * limits, logs and the learner's getConnInfo. Default none: the socket's address.
   */
  trustedProxies?: string[]
}

const DATABASE_PAGE_MAX = 200

const textDecoder = new TextDecoder('utf-8', { fatal: true })

/**
 * A database cell as JSON can show it: an integer past 2^53 as its digits (a string, never
 * rounded), a BLOB as SQLite writes one, `X'00ff'`; everything else as it is. (The SQLite
 * child has already cut long text and BLOBs: see pageOfRows.)
 */
function cellForJson(value: unknown): unknown {
  if (typeof value === 'bigint') return String(value)
  if (value instanceof Uint8Array) return `X'${Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('hex')}'`
  return value
}

/** A response body for JSON: text when it decodes as UTF-8, else base64; no body at all reads as "". */
function encodeBody(body: Uint8Array | null): { body: string; bodyEncoding: 'utf8' | 'base64' } {
  if (body === null) return { body: '', bodyEncoding: 'utf8' }
  try {
    return { body: textDecoder.decode(body), bodyEncoding: 'utf8' }
  } catch {
    return { body: Buffer.from(body).toString('base64'), bodyEncoding: 'base64' }
  }
}

function describeResponse(response: AppResponse): AppResponseBody {
  return {
    status: response.status,
    statusText: response.statusText,
    headers: response.headers,
    ...encodeBody(response.body),
    logs: response.logs,
    droppedLogs: response.droppedLogs,
    durationMs: Math.round(response.durationMs * 100) / 100,
  }
}

/** A caller the API's request names, e.g. to try hono/ip-restriction; a malformed address is the caller's mistake. */
function callerAt(address: string): RemoteAddress {
  const version = isIP(address)
  if (version === 0)
    throw new ValidationError('The request body', [{ field: 'remoteAddress', message: 'not an IPv4 or IPv6 address, e.g. 203.0.113.7' }])
  return { address, family: version === 6 ? 'IPv6' : 'IPv4' }
}

/** Whether the platform's own Headers accepts `[name, value]`. */
function headersAccept(name: string, value: string): boolean {
  try {
    new Headers([[name, value]])
    return true
  } catch {
    return false
  }
}

/**
 * Headers for a request sent through the API must be ones HTTP can carry. A bad name or value
 * is the caller's mistake (400, like any other bad field), not an error of the learner's app,
 * which would otherwise meet it building its Request.
 */
function assertValidHeaders(headers: Record<string, string>) {
  const problems: FieldProblem[] = []
  for (const [name, value] of Object.entries(headers)) {
    if (headersAccept(name, value)) continue
    problems.push({
      field: `headers.${name}`,
      message: headersAccept(name, '')
        ? 'not a valid header value (no line breaks or control characters)'
        : "not a valid header name (letters, digits and !#$%&'*+-.^_`|~ only)",
    })
  }
  if (problems.length > 0) throw new ValidationError('The request body', problems)
}

/** The session holds other code than the client graded from (another tab loaded its own). */
function codeChanged() {
  return new ApiError(
    409,
    'code_changed',
    'The code in your sandbox is not the code you sent (was it loaded from another tab or window?): send your code again, then run the checks.',
  )
}

/** A method no Request can carry (CONNECT, TRACE, TRACK) is the caller's mistake, named as such. */
function assertSendableMethod(method: string) {
  if (!(FORBIDDEN_METHODS as readonly string[]).includes(method.toUpperCase())) return
  throw new ValidationError('The request body', [
    {
      field: 'method',
      message: `${method} cannot be sent to an app: the Fetch standard forbids it in a Request, so Hono never receives it (on Node neither)`,
    },
  ])
}

/** The session id from a route parameter; a malformed id is simply unknown. */
function sessionParam(c: Context): string {
  const id = c.req.param('id') ?? ''
  // A malformed id is just another session that does not exist: the same 404 and advice.
  if (!SESSION_ID_PATTERN.test(id)) throw new UnknownSession()
  return id
}

export function createServerApp({
  sessions,
  liveHostSuffix = '.localhost',
  maxApiBodyBytes = 256 * 1024,
  maxLiveBodyBytes = 1024 * 1024,
  sessionsPerMinute = 60,
  gradesPerMinute = 30,
  site,
  solutions = 'after-attempt',
  logger = createLogger(),
  logBudget,
  readiness = [sqlitePoolCheck(sessions), passwordHashingCheck()],
  activityStream,
  trustedProxies = [],
}: ServerAppOptions) {
  const allowSession = createRateLimiter(sessionsPerMinute)
  const allowGrade = createRateLimiter(gradesPerMinute)
  const gradeLimit = (c: Context) =>
    enforceRate(c, allowGrade, 'too_many_grades', `You can run checks or tests ${gradesPerMinute} times a minute; please wait a moment.`)
  // Sessions whose code was checked and counted as an attempt; an ended session drops out.
  const attempted = new WeakSet<SessionInfo>()
  const app = new Hono()
  const budget = createLogBudget(logBudget)
  const metrics = createMetrics({
    sessions: () => sessions.size,
    database: () => sessions.stats(),
    droppedLogLines: () => budget.droppedTotal,
    runs: () => sessions.runs,
    workers: sessions.workers && (() => sessions.workers!()),
  })
  watchRuntimeEvents({ sessions, logger, metrics })

  app.onError((error, c) => errorResponse(c, error))
  if (trustedProxies.length > 0) app.use('*', believeProxies(trustedProxies))
  app.use('*', observeRequests({ logger, metrics, budget, liveHostSuffix, clientOf }))

  /** The session's live URL on its own origin, and the fallback path form on the site's origin. */
  function liveUrls(c: Context, id: string) {
    const origin = new URL(c.req.url)
    return {
      liveUrl: `${origin.protocol}//${id}${liveHostSuffix}${origin.port ? `:${origin.port}` : ''}/`,
      livePathUrl: `${origin.origin}/s/${id}/`,
    }
  }

  /** Sends a live-URL request into a session's app and answers with what it returned. */
  async function forwardToApp(c: Context, id: string, path: string, pathPrefix?: string) {
    const url = new URL(c.req.url)
    const method = c.req.method
    const body = method === 'GET' || method === 'HEAD' ? null : await readBody(c)
    try {
      const started = performance.now()
      const response = await sessions.request(id, {
        method,
        path: `${path}${url.search}`,
        headers: forwardedRequestHeaders(c.req.raw.headers),
        body,
        origin: pathPrefix ? url.origin : `${url.protocol}//${c.req.header('host')}`,
        remote: remoteOf(c),
        via: 'live',
      })
      addPhaseTime('session', performance.now() - started)
      const headers = liveResponseHeaders(response, pathPrefix ? { prefix: pathPrefix, origin: url.origin } : undefined)
      const content = isNullBodyStatus(response.status) || method === 'HEAD' ? null : (response.body as Uint8Array<ArrayBuffer> | null)
      return new Response(content, { status: response.status, statusText: response.statusText, headers })
    } catch (error) {
      return errorResponse(c, error)
    }
  }

  // Live URLs on their own origin: <session>.localhost:PORT/anything
  const ownOrigin = new Hono()
  ownOrigin.onError((error, c) => errorResponse(c, error))
  ownOrigin.all('*', limitBody(maxLiveBodyBytes), (c) => {
    const id = sessionFromHost(c.req.header('host'), liveHostSuffix)!
    return forwardToApp(c, id, new URL(c.req.url).pathname)
  })
  app.use('*', async (c, next) => {
    if (!sessionFromHost(c.req.header('host'), liveHostSuffix)) return next()
    return ownOrigin.fetch(c.req.raw, c.env)
  })

  // Live URLs on the site's origin: /s/<session>/anything. "/s/:id/*" also matches "/s/<session>"
  // itself, so the redirect to the slash (relative links in the app's pages need it) comes first.
  app.all('/s/:id', (c) => c.redirect(`/s/${sessionParam(c)}/`, 308))
  app.all('/s/:id/*', limitBody(maxLiveBodyBytes), async (c) => {
    const id = sessionParam(c)
    const prefix = `/s/${id}`
    const path = new URL(c.req.url).pathname.slice(prefix.length) || '/'
    return forwardToApp(c, id, path, prefix)
  })

  addOperatorRoutes(app, { metrics, readiness })

  const api = new Hono()
  api.use('*', limitBody(maxApiBodyBytes))

  api.get('/health', (c) => c.json({ ok: true, sessions: sessions.size }))

  // With a shared store, this replica takes the session up first (its routes read `get`).
  if (sessions.hold) {
    const hold = sessions.hold.bind(sessions)
    api.use('/sessions/:id/*', async (c, next) => {
      await hold(sessionParam(c))
      await next()
    })
  }

  api.post('/sessions', async (c) => {
    enforceRate(c, allowSession, 'too_many_sessions', `You can create ${sessionsPerMinute} sessions a minute; please wait a moment.`)
    const { exerciseId, code } = await readJson(c, CreateSessionBody)
    const exercise = exerciseId === undefined ? undefined : await loadExercise(exerciseId)
    const session = await sessions.create({ exerciseId, seedSql: exercise?.seedSql, appUnderTest: exercise?.appUnderTest, env: exercise?.env })
    noteSession(session.id)
    const created: SessionCreated = {
      sessionId: session.id,
      exerciseId: session.exerciseId ?? null,
      ...liveUrls(c, session.id),
      starter: exercise?.starter ?? null,
    }
    if (code === undefined) return c.json(created, 201)
    try {
      const { codeHash } = await sessions.setCode(session.id, code)
      return c.json({ ...created, codeHash } satisfies SessionCreated, 201)
    } catch (error) {
      return errorResponse(c, error, { session: created })
    }
  })

  api.put('/sessions/:id/code', async (c) => {
    const id = sessionParam(c)
    const { code } = await readJson(c, PutCodeBody)
    const { codeHash, logs } = await sessions.setCode(id, code)
    return c.json({ codeHash, logs } satisfies CodeLoaded)
  })

  api.post('/sessions/:id/requests', async (c) => {
    const id = sessionParam(c)
    const { method, path, headers = {}, body, remoteAddress } = await readJson(c, SendRequestBody)
    assertSendableMethod(method)
    assertValidHeaders(headers)
    const upper = method.toUpperCase()
    const bytes = body === undefined || upper === 'GET' || upper === 'HEAD' ? null : new TextEncoder().encode(body)
    try {
      const remote = remoteAddress === undefined ? undefined : callerAt(remoteAddress)
      const response = await sessions.request(id, { method, path, headers: Object.entries(headers), body: bytes, remote, via: 'console' })
      return c.json(describeResponse(response))
    } catch (error) {
      return errorResponse(c, error, { logs: error instanceof LimitExceeded ? error.logs : [] })
    }
  })

  // A test-writing exercise: the learner's own tests against the real app under test, on a
  // fresh copy of the exercise's database (every run starts from the same data; the learner's
  // own database is left as it is).
  api.post('/sessions/:id/tests', async (c) => {
    const session = sessions.get(sessionParam(c))
    if (session.source === undefined) throw new NoCodeLoaded()
    gradeLimit(c)
    const exercise = session.exerciseId === undefined ? undefined : await loadExercise(session.exerciseId)
    if (exercise?.appUnderTest === undefined) {
      throw new ApiError(409, 'no_tests_exercise', 'This exercise is not one where you write tests: send requests or run the checks instead.')
    }
    const { tests, logs } = await sessions.runLearnerTests(session.id)
    const failed = tests.filter((test) => test.status === 'fail').length
    return c.json({ passed: tests.length - failed, failed, tests, logs } satisfies TestRunBody)
  })

  api.post('/sessions/:id/grade', async (c) => {
    const id = sessionParam(c)
    const session = sessions.get(id)
    if (session.exerciseId === undefined) throw new ApiError(409, 'no_exercise', 'This session is a playground: it has no exercise to grade.')
    if (session.source === undefined) throw new NoCodeLoaded()
    const { typecheck, codeHash } = await readJson(c, GradeBody)
    if (codeHash !== undefined && hashCode(session.source) !== codeHash) throw codeChanged()
    gradeLimit(c)
    // Graded in a fresh session: what the learner did while exploring cannot change the grade.
    // That session is kept a while when a check fails, for replays (grading/kept-grades.ts).
    const { kept, ...result } = await sessions.grade(id, { appUrl: liveUrls(c, id).liveUrl, signal: c.req.raw.signal, typecheck, keep: true })
    // Code that does not compile or load counts as no attempt, here as in the UI.
    if (result.gradable) attempted.add(session)
    return c.json(kept ? { ...result, kept: { ...kept, livePathUrl: liveUrls(c, kept.sessionId).livePathUrl } } : result)
  })

  // A failed check of the latest grade, done again in that grade's kept session from where the
  // check began: each step with what the app answered, and curl lines that do it once more.
  api.post('/sessions/:id/grades/latest/checks/:check/replay', async (c) => {
    const id = sessionParam(c)
    await readJson(c, EmptyBody)
    gradeLimit(c)
    const replay = await sessions.replayCheck(id, c.req.param('check'))
    return c.json(withCurlLines(replay, { origin: new URL(c.req.url).origin, learnerSessionId: id }))
  })

  // The first of a replay's curl lines: the kept session back where the check began, clock included.
  api.post('/sessions/:id/grades/latest/checks/:check/restore', async (c) => {
    const id = sessionParam(c)
    await readJson(c, EmptyBody)
    return c.json(await sessions.restoreCheck(id, c.req.param('check')))
  })

  api.get('/sessions/:id/solution', async (c) => {
    const session = sessions.get(sessionParam(c))
    if (session.exerciseId === undefined) throw new ApiError(409, 'no_exercise', 'This session is a playground: it has no exercise, so no solution.')
    if (solutions === 'never') throw new ApiError(403, 'solutions_hidden', 'Solutions are not shown in this course.')
    if (solutions === 'after-attempt' && !attempted.has(session)) {
      throw new ApiError(403, 'solution_locked', 'Check your code once first: the solution opens after an attempt.')
    }
    const exercise = await loadExercise(session.exerciseId)
    return c.json({ exerciseId: exercise.id, file: 'solution.ts', code: exercise.solution } satisfies SolutionFile)
  })

  // The request inspector: what the session's app does, as server-sent events.
  api.get('/sessions/:id/events', (c) => {
    const id = sessionParam(c)
    sessions.get(id)
    return streamActivity(c, sessions, id, activityStream)
  })

  api.get('/sessions/:id/db', async (c) => {
    return c.json({ tables: await sessions.tables(sessionParam(c)) })
  })

  api.get('/sessions/:id/db/:table', async (c) => {
    const id = sessionParam(c)
    const table = c.req.param('table')
    const limit = Math.min(Math.max(Number.parseInt(c.req.query('limit') ?? '50', 10) || 50, 1), DATABASE_PAGE_MAX)
    const offset = Math.max(Number.parseInt(c.req.query('offset') ?? '0', 10) || 0, 0)
    const tables = await sessions.tables(id)
    if (!tables.some((known) => known.name === table)) {
      throw new ApiError(404, 'unknown_table', `Your database has no table "${table}".`, { tables: tables.map((known) => known.name) })
    }
    const page = await sessions.rows(id, table, { limit, offset })
    return c.json({ table, limit, offset, ...page, rows: page.rows.map((row) => row.map(cellForJson)) })
  })

  api.post('/sessions/:id/clock/advance', async (c) => {
    const id = sessionParam(c)
    const { ms } = await readJson(c, AdvanceClockBody)
    return c.json((await sessions.advanceClock(id, ms)) satisfies AppClock)
  })

  api.get('/sessions/:id/clock', async (c) => c.json((await sessions.readClock(sessionParam(c))) satisfies AppClock))

  api.post('/sessions/:id/clock/reset', async (c) => {
    const id = sessionParam(c)
    await readJson(c, EmptyBody)
    return c.json((await sessions.resetClock(id)) satisfies AppClock)
  })

  api.post('/sessions/:id/reset', async (c) => {
    await sessions.reset(sessionParam(c))
    return c.json({ ok: true })
  })

  api.delete('/sessions/:id', async (c) => {
    await sessions.delete(sessionParam(c))
    return c.body(null, 204)
  })

  api.notFound((c) => errorResponse(c, new ApiError(404, 'not_found', `No API route ${c.req.method} ${c.req.path}.`)))
  app.route('/api', api)

  app.get('*', async (c, next) => (site ? ((await site(c)) ?? next()) : next()))
  app.notFound((c) => errorResponse(c, new ApiError(404, 'not_found', `Nothing here: ${c.req.path}`)))
  return app
}
