/**
 * The messages between the grade (main thread, where the learner's session lives) and the
 * thread that runs an exercise's checks (a worker, so a check that never yields can be
 * stopped). Everything here crosses by structured clone: plain data only.
 */
import type { LogEntry } from '../capabilities/index.ts'
import { LearnerModuleError, LimitExceeded, ServerBusy, type LimitKind } from '../runtime/errors.ts'
import { CheckFailure, type RequestOptions } from './checks.ts'

/** Main → worker: run one check of an exercise. */
export interface RunCheckMessage {
  type: 'run'
  /** The exercise's checks.ts, as a file URL. */
  checksUrl: string
  /** The check's place in the default export. */
  index: number
  /**
   * The checks' shared `state`, as the previous check left it: sent with a grade's first check
   * on this thread; otherwise the thread goes on with its own.
   */
  state?: Record<string, unknown>
  /** Where the worker answers sync calls (clock, cache stats): see SyncReply. */
  sync: SharedArrayBuffer
}

/** An error thrown on one side, described for the other. */
export interface ThrownError {
  /** How grading treats it: the learner's limit, the learner's module, a failed expectation, anything else. */
  kind: 'limit' | 'module' | 'expectation' | 'other'
  name: string
  message: string
  stack?: string
  limit?: LimitKind
  /** A limit hit because the server, not the code, was slow (ServerBusy). */
  busy?: boolean
  /** What the stopped run logged (LimitExceeded's `logs`). */
  logs?: LogEntry[]
}

/** Worker → main: a call the check made on its context. */
export interface CallMessage {
  type: 'call'
  id: number
  method:
    | 'request'
    | 'call'
    | 'runTests'
    | 'db.all'
    | 'db.get'
    | 'db.tables'
    | 'db.failStatement'
    | 'db.interleave'
    | 'db.statements'
    | 'cache.stats'
    | 'clock.advance'
    | 'clock.now'
    | 'restartApp'
    | 'crypto.sign'
    | 'crypto.passwordChecks'
  args: unknown[]
  /** Answered through the shared buffer, for the context's synchronous methods. */
  sync?: boolean
}

/** Main → worker: the answer to an asynchronous call. */
export type ReplyMessage = { type: 'reply'; id: number; value: unknown } | { type: 'reply'; id: number; error: ThrownError }

/** Worker → main: the check ended. `state` is left out when it could not be copied. */
export interface DoneMessage {
  type: 'done'
  error?: ThrownError
  state?: Record<string, unknown>
}

/** Worker → main: checks.ts is loaded and the check's `run` starts now (its deadline too). */
export interface StartedMessage {
  type: 'started'
}

/** A request as it crosses: `json` is already JSON text. */
export interface SentRequestOptions {
  json?: string
  body?: string
  headers?: Record<string, string>
}

/** A response as it crosses: Headers do not clone. */
export interface CrossingResponse {
  status: number
  headers: [string, string][]
  text: string
  logs: LogEntry[]
}

/**
 * A synchronous answer: word 0 is 0 while waiting, 1 when answered; word 1 the length of the
 * JSON text written from byte 8 on ({ value } or { error }).
 */
export const SYNC_BYTES = 64 * 1024

/** Describes what a check threw, for the grade to classify and place. */
export function describeError(error: unknown): ThrownError {
  if (!(error instanceof Error)) return { kind: 'other', name: 'Error', message: JSON.stringify(error) ?? String(error) }
  const kind =
    error instanceof LimitExceeded
      ? 'limit'
      : error instanceof LearnerModuleError
        ? 'module'
        : error instanceof CheckFailure || error.name === 'AssertionError'
          ? 'expectation'
          : 'other'
  return {
    kind,
    name: error.name,
    message: String(error.message),
    stack: error.stack,
    ...(error instanceof LimitExceeded ? { limit: error.limit, busy: error instanceof ServerBusy, logs: error.logs } : {}),
  }
}

/** " with {\"body\":\"\"}": what a request sent, for failure messages on either side. */
export function describeBody(options: RequestOptions): string {
  if (options.json !== undefined) return ` with ${JSON.stringify(options.json)}`
  if (options.body !== undefined) return ` with body ${JSON.stringify(options.body.length > 80 ? `${options.body.slice(0, 80)}…` : options.body)}`
  return ''
}
