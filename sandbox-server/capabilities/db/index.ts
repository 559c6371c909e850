/**
 * The database capability: per-session SQLite database files (WAL), served by a small pool of
 * child processes so that one runaway statement is stopped at its deadline (its child is
 * killed; committed writes stay in the file) while the host's event loop keeps running.
 *
 * Learner SQL stays in its database: one statement per call, no ATTACH, DETACH, VACUUM or
 * PRAGMA (but a short read-only list), a page limit per database, foreign keys on. Nothing here
 * may hand the isolate a host object: results are plain copied data.
 */

// The pool
export { createDbPool, databaseKey, removeDatabasesExcept } from './pool.ts'
export type { DbPool, DbPoolOptions, DbStats, SqlValue, SqlParams, SqlRow, RunResult, TableInfo, ColumnInfo, RowsPage } from './types.ts'

// Errors, one class per failure kind
export { SqlError, SqlTimeoutError, UnknownDatabaseError, DatabaseCrashedError, DbPoolDisposedError, StatementCancelled } from './errors.ts'

// The learner rules, for the editor's hints and the runtime's early checks
export { READ_ONLY_PRAGMAS, findRefusal } from './learner-sql.ts'
