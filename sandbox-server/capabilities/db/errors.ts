/**
 * The errors the database capability throws, one class per failure kind.
 *
 * Every message is meant for a learner as it stands: what went wrong and what to do, never a
 * host path or a stack trace. `code` is stable for the HTTP layer's error shape.
 */
import { LearnerFacingError } from '../../runtime/errors.ts'

/**
 * SQLite refused or failed a statement, or the sandbox refused it before SQLite saw it.
 *
 * @example
 * try { await pool.get(id, 'SELECT * FROM nope') }
 * catch (error) { if (error instanceof SqlError) console.log(error.message) } // "no such table: nope (SQLITE_ERROR)"
 */
export class SqlError extends LearnerFacingError {
  override name = 'SqlError'
  /** SQLite's code (`SQLITE_CONSTRAINT_FOREIGNKEY`...) or ours (`SANDBOX_REFUSED`...). */
  readonly code: string
  constructor(message: string, code: string) {
    super(`${message} (${code})`)
    this.code = code
  }
}

/**
 * A statement ran past its deadline; its database process was stopped. The statement never
 * happened and a transaction it was in rolled back; every committed write stays.
 */
export class SqlTimeoutError extends LearnerFacingError {
  override name = 'SqlTimeoutError'
  readonly code = 'SANDBOX_SQL_TIMEOUT'
  readonly timeoutMs: number
  constructor(timeoutMs: number, message?: string) {
    super(
      message ??
        `your SQL query ran longer than ${formatDuration(timeoutMs)} and was stopped: look for a ` +
          'recursive CTE with no stopping condition or a join with no ON clause. Nothing it did ' +
          'was kept (nor an open transaction); your earlier writes are all still there.',
    )
    this.timeoutMs = timeoutMs
  }
}

/**
 * No database with this id is open (never opened, closed, or lost in a crash it could not
 * survive). The message leaves the id out: it may be a session id, which is never echoed.
 */
export class UnknownDatabaseError extends LearnerFacingError {
  override name = 'UnknownDatabaseError'
  readonly code = 'SANDBOX_UNKNOWN_DATABASE'
  readonly dbId: string
  constructor(dbId: string) {
    super('this database is not open: it was never opened, was closed, or was reset')
    this.dbId = dbId
  }
}

/**
 * The database process stopped while running this call for a reason other than the deadline
 * (out of memory, a crash). As with a timeout, only the statement and an open transaction are lost.
 */
export class DatabaseCrashedError extends LearnerFacingError {
  override name = 'DatabaseCrashedError'
  readonly code = 'SANDBOX_DATABASE_CRASHED'
  constructor(detail: string) {
    super(
      `the database process stopped while running this statement (${detail}); nothing it did ` +
        'was kept (nor an open transaction), and your earlier writes are all still there',
    )
  }
}

/** The statement was still waiting when the run that sent it was stopped, so it never ran. */
export class StatementCancelled extends LearnerFacingError {
  override name = 'StatementCancelled'
  readonly code = 'SANDBOX_STATEMENT_CANCELLED'
  constructor() {
    super('this statement was cancelled before it ran: the request that sent it was stopped')
  }
}

/** The pool was disposed; nothing more can run on it. */
export class DbPoolDisposedError extends Error {
  override name = 'DbPoolDisposedError'
  readonly code = 'SANDBOX_DB_POOL_DISPOSED'
  constructor() {
    super('the database pool was shut down')
  }
}

/** "1 s", "1.5 s", "250 ms": how a learner reads a limit. */
export function formatDuration(ms: number): string {
  return ms >= 1000 ? `${+(ms / 1000).toFixed(2)} s` : `${ms} ms`
}
