/**
 * The server's own log: one JSON object a line (pino), for operators, never for learners.
 *
 * Every line has `time`, `level` and `event`; lines written while a request runs also carry its
 * `reqId` and `session`, a short hash of the session id. A session id is a bearer capability
 * (whoever has it can read and change that learner's app and data), so no line may ever hold one:
 * besides logging only hashes, the logger rewrites any 32-hex-digit run in a finished line into
 * its hash, whatever put it there (an error message, a stack). A client cannot fill the log
 * either: lines written on a client's behalf spend that client's tokens, and the lines its
 * empty bucket drops are counted and reported in one line when it has tokens again.
 */
import { AsyncLocalStorage } from 'node:async_hooks'
import { createHash } from 'node:crypto'
import pino, { type DestinationStream, type Logger } from 'pino'

export type { Logger }

export type LogLevel = 'debug' | 'info' | 'warn' | 'error'

export interface LoggerOptions {
  /** `fatal`, `error`, `warn`, `info`, `debug`, `trace` or `silent`. Default: LOG_LEVEL, else `info`. */
  level?: string
  /** Where lines go. Default: standard error (standard output may carry a command's own results). */
  destination?: DestinationStream
}

const SESSION_ID_RUN = /[0-9a-f]{32}/gi

/**
 * The short, stable name of a session in logs: 12 hex digits of its SHA-256. It tells lines of
 * one session apart and cannot be turned back into the id.
 *
 * @example
 * sessionTag('0123456789abcdef0123456789abcdef') // 'a5c3…' (12 hex digits)
 */
export function sessionTag(id: string): string {
  return createHash('sha256').update(id.toLowerCase()).digest('hex').slice(0, 12)
}

/** A finished line with every run that could be a session id replaced by its tag. */
function withoutSessionIds(line: string): string {
  return line.replace(SESSION_ID_RUN, (id) => `session#${sessionTag(id)}`)
}

/**
 * A JSON-lines logger: ISO `time`, `level` as a word, no session ids.
 *
 * @example
 * const logger = createLogger({ level: 'warn' })
 * logger.warn({ event: 'limit_hit', limit: 'cpu' })
 */
export function createLogger({ level = process.env.LOG_LEVEL ?? 'info', destination }: LoggerOptions = {}): Logger {
  const options = {
    level,
    base: { pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label: string) => ({ level: label }) },
    hooks: { streamWrite: withoutSessionIds },
  }
  return destination ? pino(options, destination) : pino(options, pino.destination(2))
}

export interface LogBudgetOptions {
  /** Lines a client's bucket gains a second. Default 50 (a class behind one address shares it). */
  linesPerSecond?: number
  /** Lines a full bucket holds. Default 500. */
  burst?: number
  /** The clock, in milliseconds. Default performance.now. */
  now?: () => number
}

/**
 * A bucket of log lines per client: `burst` lines at once, refilled at `linesPerSecond`.
 * Past it, lines are dropped and counted; the next line allowed reports how many were dropped.
 *
 * @example
 * const budget = createLogBudget({ linesPerSecond: 50, burst: 500 })
 * const { allowed, droppedBefore } = budget.take('203.0.113.7')
 */
export function createLogBudget({ linesPerSecond = 50, burst = 500, now: clock = () => performance.now() }: LogBudgetOptions = {}) {
  const buckets = new Map<string, { tokens: number; at: number; dropped: number }>()
  let droppedTotal = 0
  return {
    take(client: string): { allowed: boolean; droppedBefore: number } {
      const now = clock()
      let bucket = buckets.get(client)
      if (!bucket) {
        // Bounded memory: forgetting every client only hands each a fresh bucket.
        if (buckets.size >= 10_000) buckets.clear()
        bucket = { tokens: burst, at: now, dropped: 0 }
        buckets.set(client, bucket)
      }
      bucket.tokens = Math.min(burst, bucket.tokens + ((now - bucket.at) / 1000) * linesPerSecond)
      bucket.at = now
      if (bucket.tokens < 1) {
        bucket.dropped++
        droppedTotal++
        return { allowed: false, droppedBefore: 0 }
      }
      bucket.tokens--
      const droppedBefore = bucket.dropped
      bucket.dropped = 0
      return { allowed: true, droppedBefore }
    },
    /** Lines dropped since the budget was created, for every client. */
    get droppedTotal() {
      return droppedTotal
    },
  }
}

export type LogBudget = ReturnType<typeof createLogBudget>

/** What is known about the request being served: its logger (with reqId) and its client's budget. */
export interface RequestLogScope {
  logger: Logger
  client: string
  budget: LogBudget
  /** The session the request is about, once known (hashed when logged). */
  session?: string
  /** The limit a run hit while serving it, if any. */
  limit?: string
}

const scopes = new AsyncLocalStorage<RequestLogScope>()
let processLogger: Logger | undefined

/** The logger for lines written outside any request (set once by the server's entry point). */
export function setProcessLogger(logger: Logger): void {
  processLogger = logger
}

function defaultLogger(): Logger {
  processLogger ??= createLogger()
  return processLogger
}

/** Runs `work` as the handling of one request: what it logs carries the scope's reqId and spends its client's budget. */
export function runInLogScope<T>(scope: RequestLogScope, work: () => T): T {
  return scopes.run(scope, work)
}

/** The request being served, if any. */
export function currentLogScope(): RequestLogScope | undefined {
  return scopes.getStore()
}

/**
 * Writes one event line: inside a request, with its reqId and session tag and within its
 * client's budget; outside, on the process logger.
 *
 * @example
 * logEvent('warn', 'limit_hit', { limit: 'cpu' })
 */
export function logEvent(level: LogLevel, event: string, fields: Record<string, unknown> = {}): void {
  const scope = scopes.getStore()
  if (!scope) {
    defaultLogger()[level]({ event, ...fields })
    return
  }
  const { allowed, droppedBefore } = scope.budget.take(scope.client)
  if (!allowed) return
  if (droppedBefore > 0) scope.logger.warn({ event: 'log_lines_dropped', count: droppedBefore })
  scope.logger[level]({ event, ...(scope.session === undefined ? {} : { session: sessionTag(scope.session) }), ...fields })
}
