/**
 * The browser's client for the sandbox server's JSON API (README: "The HTTP API"). Every
 * failure becomes one of two errors: ApiFailure (the server answered `{ error: { code, message } }`)
 * or ServerUnreachable (no answer at all), so the UI can say which.
 */

export interface CreatedSession {
  sessionId: string
  liveUrl: string
  livePathUrl: string
  starter: string | null
}

export interface Diagnostic {
  message: string
  line: number
  column: number
  lineText?: string
}

export interface LogEntry {
  level: 'debug' | 'info' | 'warn' | 'error'
  message: string
  fields?: Record<string, unknown>
  time: number
}

export interface AppResponse {
  status: number
  statusText: string
  headers: Record<string, string> | [string, string][]
  body: string
  bodyEncoding: 'utf8' | 'base64'
  logs: LogEntry[]
  droppedLogs: number
  durationMs: number
}

/** The session's clock: what `clock.now()` answers in the app, and how far that is ahead of real time. */
export interface AppClock {
  now: number
  offsetMs: number
}

export interface TableInfo {
  name: string
  columns: { name: string; type: string; notNull: boolean; primaryKey: boolean }[]
  rowCount: number
}

export interface RowsPage {
  table: string
  /** The first row's position in the table (from 0). */
  offset: number
  columns: string[]
  rows: unknown[][]
  total: number
}

export type CheckStatus = 'pass' | 'fail' | 'error' | 'timeout' | 'skipped'

export interface CheckResult {
  name: string
  status: CheckStatus
  message?: string
  output?: string
  hint?: string
  reproduction?: string
  weight: number
  durationMs: number
}

export interface SubmissionResult {
  status: 'pass' | 'fail' | 'error'
  gradable: boolean
  message?: string
  score: number
  maxScore: number
  durationMs: number
  tests: CheckResult[]
  /** When a check failed: the grade's session, kept for replays until `expiresAt` (ms). */
  kept?: { sessionId: string; livePathUrl: string; expiresAt: number }
}

/** One step of a replayed check (the server's grading/replay.ts). */
export interface ReplayStep {
  kind: 'request' | 'clock' | 'sign' | 'call' | 'tests'
  description: string
  request?: { method: string; path: string; headers: [string, string][]; body?: string }
  gradedStatus?: number
  response?: { status: number; headers: [string, string][]; body: string }
  clockMs?: number
  clockAt: number
  error?: string
  curl?: string
  noCurl?: string
}

/** A failed check done again in its grade's kept session, from where it began. */
export interface CheckReplay {
  check: string
  status: string
  message?: string
  gradeSessionId: string
  livePathUrl?: string
  expiresAt: number
  startedAt: number
  steps: ReplayStep[]
  sameAsGrade: boolean
  curl?: string[]
}

/** One of the learner's own tests (a test-writing exercise), run against the app under test. */
export interface LearnerTestResult {
  name: string
  status: 'pass' | 'fail'
  message?: string
  /** Where it failed, e.g. "app.test.ts:12:5". */
  at?: string
  durationMs: number
}

export interface TestRunResult {
  passed: number
  failed: number
  tests: LearnerTestResult[]
  logs: LogEntry[]
}

export interface SentRequest {
  method: string
  path: string
  headers?: Record<string, string>
  body?: string
}

/** An exercise's reference solution, as GET /api/sessions/:id/solution answers it. */
export interface SolutionFile {
  exerciseId: string
  /** The file it came from, relative to the exercise folder. */
  file: 'solution.ts'
  code: string
}

/** The server answered with an error: `code` is e.g. "unknown_session", "compile_error", "limit_exceeded". */
export class ApiFailure extends Error {
  override name = 'ApiFailure'
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** The whole error body: `error.diagnostics`, `error.limit`, and `logs` for a limit hit. */
    readonly body: { error?: Record<string, unknown>; logs?: LogEntry[] } = {},
  ) {
    super(message)
  }
}

/** No answer from the sandbox server: it is not running, or the network is down. */
export class ServerUnreachable extends Error {
  override name = 'ServerUnreachable'
  constructor() {
    super('The sandbox server is not answering. Is `npm start` still running? Your code is saved in this browser.')
  }
}

async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
  let response: Response
  try {
    response = await fetch(`/api${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    })
  } catch {
    throw new ServerUnreachable()
  }
  const text = await response.text()
  let json: any = null
  try {
    json = text ? JSON.parse(text) : null
  } catch {
    // Not JSON: a proxy's error page, say.
  }
  if (response.ok) return json as T
  const error = json?.error
  if (error && typeof error.code === 'string') throw new ApiFailure(response.status, error.code, String(error.message), json)
  if (response.status >= 500) throw new ServerUnreachable()
  throw new ApiFailure(response.status, `http_${response.status}`, `The server answered ${response.status}.`)
}

const session = (id: string) => `/sessions/${encodeURIComponent(id)}`

export const sandboxApi = {
  createSession: (exerciseId: string) => call<CreatedSession>('POST', '/sessions', { exerciseId }),
  putCode: (id: string, code: string) => call<{ codeHash: string; logs: LogEntry[] }>('PUT', `${session(id)}/code`, { code }),
  sendRequest: (id: string, request: SentRequest) => call<AppResponse>('POST', `${session(id)}/requests`, request),
  /** `codeHash`: the hash PUT /code answered; the server refuses (409 code_changed) when its code is other code. */
  grade: (id: string, codeHash?: string | null) => call<SubmissionResult>('POST', `${session(id)}/grade`, codeHash ? { codeHash } : undefined),
  /** A failed check of the latest grade, done again in the grade's kept session (404 no_kept_grade once it is let go). */
  replayCheck: (id: string, check: string) =>
    call<CheckReplay>('POST', `${session(id)}/grades/latest/checks/${encodeURIComponent(check)}/replay`, {}),
  runTests: (id: string) => call<TestRunResult>('POST', `${session(id)}/tests`),
  tables: (id: string) => call<{ tables: TableInfo[] }>('GET', `${session(id)}/db`),
  solution: (id: string) => call<SolutionFile>('GET', `${session(id)}/solution`),
  clock: (id: string) => call<AppClock>('GET', `${session(id)}/clock`),
  advanceClock: (id: string, ms: number) => call<AppClock>('POST', `${session(id)}/clock/advance`, { ms }),
  resetClock: (id: string) => call<AppClock>('POST', `${session(id)}/clock/reset`),
  rows: (id: string, table: string, limit = 50, offset = 0) =>
    call<RowsPage>('GET', `${session(id)}/db/${encodeURIComponent(table)}?limit=${limit}&offset=${offset}`),
}
