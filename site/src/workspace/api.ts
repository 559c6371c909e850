/**
 * The browser's client for the sandbox server's JSON API (README: "The HTTP API"). Every
 * failure becomes one of two errors: ApiFailure (the server answered `{ error: { code, message } }`)
 * or ServerUnreachable (no answer at all), so the UI can say which.
 */

// The shapes come from the server's own definitions (its TypeBox schemas and types), so the two
// cannot drift: type-only imports, nothing of the server reaches the browser's bundle.
import type {
  AppClock,
  AppResponseBody,
  CodeLoaded,
  SendRequestBody,
  SessionCreated,
  SolutionFile,
  TestRunBody,
} from '../../../sandbox-server/http/schemas.ts'
import type { LogEntry } from '../../../sandbox-server/capabilities/log/index.ts'
import type { RowsPage as TablePage, TableInfo } from '../../../sandbox-server/capabilities/db/types.ts'
import type { CheckResult, CheckStatus, SubmissionResult as ServerSubmissionResult } from '../../../sandbox-server/grading/results.ts'
import type { CheckReplay, ReplayStep } from '../../../sandbox-server/grading/replay-schemas.ts'
import type { TestResult } from '../../../sandbox-server/runtime/test-result.ts'
import type { Diagnostic } from '../../../sandbox-server/runtime/errors.ts'

export type { AppClock, CheckReplay, CheckResult, CheckStatus, Diagnostic, LogEntry, ReplayStep, SolutionFile, TableInfo }
export type TestRunResult = TestRunBody
export type CreatedSession = SessionCreated
export type AppResponse = AppResponseBody
export type SentRequest = SendRequestBody
/** One of the learner's own tests (a test-writing exercise), run against the app under test. */
export type LearnerTestResult = TestResult

/** One page of a table's rows, as GET /db/:table answers it. */
export interface RowsPage extends TablePage {
  table: string
  /** The first row's position in the table (from 0). */
  offset: number
}

/** A grade as POST /grade answers it: `kept` when a check failed, the grade's session kept for replays until `expiresAt` (ms). */
export type SubmissionResult = ServerSubmissionResult & { kept?: { sessionId: string; livePathUrl: string; expiresAt: number } }

/** An exercise's reference solution, as GET /api/sessions/:id/solution answers it. */
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
  putCode: (id: string, code: string) => call<CodeLoaded>('PUT', `${session(id)}/code`, { code }),
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
