/**
 * One JSON error shape for every failure the API reports:
 * `{ "error": { "code", "message", ...details } }`, with a 4xx status for anything the caller
 * or the learner's code caused. Unexpected failures are logged on the host and answered with a
 * plain 500 that carries no stack trace or path.
 */
import type { Context } from 'hono'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import { CompileError, LearnerFacingError, LearnerModuleError, LimitExceeded, ServerBusy } from '../runtime/errors.ts'
import { reportInternalError } from '../runtime/internal-error.ts'
import { ValidationError } from '../validation/index.ts'
import { NoCodeLoaded, UnknownSession } from '../sessions/index.ts'
import { WorkerCrashed } from '../sessions/workers/supervisor.ts'
import { UnknownExercise } from '../exercises/index.ts'
import { NoKeptGrade } from '../grading/kept-grades.ts'
import { clientAborted, noteLimitHit } from './observe.ts'

/** An error the API answers with a given status and code. */
export class ApiError extends Error {
  override name = 'ApiError'
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: string,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message)
  }
}

export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error
  if (error instanceof ValidationError) return new ApiError(400, 'invalid_body', error.message, { problems: error.problems })
  if (error instanceof UnknownSession) return new ApiError(404, 'unknown_session', error.message)
  if (error instanceof UnknownExercise) return new ApiError(404, 'unknown_exercise', error.message)
  if (error instanceof NoKeptGrade) return new ApiError(404, 'no_kept_grade', error.message)
  if (error instanceof NoCodeLoaded) return new ApiError(409, 'no_code', error.message)
  if (error instanceof CompileError) return new ApiError(422, 'compile_error', error.message, { diagnostics: error.diagnostics })
  if (error instanceof ServerBusy) return new ApiError(503, 'server_busy', error.message, { retryAfterSeconds: error.retryAfterSeconds })
  // The process running the app died under it: the server's trouble, not the code's.
  if (error instanceof WorkerCrashed) return new ApiError(503, 'worker_crashed', error.message, { retryAfterSeconds: 1 })
  if (error instanceof LimitExceeded) return new ApiError(422, 'limit_exceeded', error.message, { limit: error.limit })
  if (error instanceof LearnerModuleError) return new ApiError(422, 'app_error', error.message)
  // SqlError, CryptoError, DatabaseCrashedError...: worded for the learner, and their code is stable.
  if (error instanceof LearnerFacingError) {
    const code = (error as { code?: unknown }).code
    return new ApiError(422, typeof code === 'string' ? code.toLowerCase() : 'app_error', error.message)
  }
  const id = reportInternalError(error, 'http')
  return new ApiError(500, 'internal_error', `Something went wrong on the sandbox server (internal error ${id}). Please try again.`, { id })
}

export function errorResponse(c: Context, error: unknown, extra: Record<string, unknown> = {}) {
  // Nobody reads this answer, and a client going away is no fault of the server: no internal error.
  if (clientAborted(c)) error = new ApiError(400, 'request_aborted', 'The connection closed before the request body arrived.')
  if (error instanceof LimitExceeded) noteLimitHit(error.limit)
  const { status, code, message, details } = toApiError(error)
  if (typeof details.retryAfterSeconds === 'number') c.header('Retry-After', String(details.retryAfterSeconds))
  return c.json({ error: { code, message, ...details }, ...extra }, status)
}
