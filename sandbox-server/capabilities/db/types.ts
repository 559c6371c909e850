/**
 * The public shapes of the database capability: what the runtime, sessions, checks and the UI
 * see. No implementation here.
 */

/** A value SQLite binds: null, number, bigint, string or bytes (Buffer is a Uint8Array). */
export type SqlValue = null | number | bigint | string | Uint8Array

/** Bound parameters: an array for `?`, an object for `:name`/`@name`/`$name` (keys with or without the prefix). */
export type SqlParams = readonly SqlValue[] | { readonly [name: string]: SqlValue }

/**
 * One result row. Integers are numbers while safe, BigInt beyond 2^53 (never rounded);
 * BLOBs are plain Uint8Array.
 */
export type SqlRow = Record<string, unknown>

export interface RunResult {
  /** Rows inserted, updated or deleted by the statement. */
  changes: number
  /** Rowid of the last row inserted by this database connection. */
  lastInsertRowid: number
}

export interface ColumnInfo {
  name: string
  /** The declared type as written in CREATE TABLE ('' when none). */
  type: string
  notNull: boolean
  primaryKey: boolean
}

export interface TableInfo {
  name: string
  columns: ColumnInfo[]
  rowCount: number
}

export interface RowsPage {
  columns: string[]
  /** Rows in storage order (rowid order for ordinary tables), values as in SqlRow. */
  rows: unknown[][]
  /** Rows in the whole table. */
  total: number
}

export interface DbPoolOptions {
  /** Child processes that hold the databases. Default 2. */
  processes?: number
  /** Deadline for one learner statement or trusted query(); past it the child is killed. Default 1000. */
  statementTimeoutMs?: number
  /** SQLite pages each database may use (`max_page_count`). Default 4096: 16 MiB at 4 KiB pages. */
  maxPageCount?: number
  /** Most rows one all() or query() may return before it fails. Default 5000. */
  maxRows?: number
  /**
   * The folder for the database files (created if missing; the files outlive the pool). By
   * default a new folder in the system's temp folder, removed by dispose().
   */
  dataDir?: string
  /** Connections one child keeps open before closing the least recently used. Default 256. */
  maxOpenPerProcess?: number
}

export interface DbStats {
  /** Child processes running now. */
  processes: number
  /** Databases open. */
  databases: number
  /** Child processes replaced after a deadline kill or a crash, since the pool was created. */
  restarts: number
}

/**
 * Per-session SQLite database files served by a pool of child processes. Every method returns a
 * promise and never blocks the event loop. Learner methods (get, all, run, begin, commit,
 * rollback) take exactly one statement and refuse ATTACH, DETACH, VACUUM and most PRAGMAs.
 */
export interface DbPool {
  /**
   * Creates a database file (replacing any of that id) from trusted seed SQL (several
   * statements allowed, run as one transaction) or a snapshot's bytes.
   */
  open(dbId: string, source?: { seedSql?: string; snapshot?: Uint8Array }): Promise<void>
  /** Takes up a database file an earlier pool left in the same data folder; UnknownDatabaseError when there is none. */
  reopen(dbId: string): Promise<void>
  /**
   * Deletes the files in the data folder of every database this pool does not hold (left by a
   * crash mid-grade, say); resolves to how many. Call after reopen()ing the ones to keep,
   * before creating new ones.
   */
  removeOthers(): Promise<number>
  /** First row of one learner statement, or undefined. */
  get(dbId: string, sql: string, params?: SqlParams): Promise<SqlRow | undefined>
  /** All rows of one learner statement (at most `maxRows`). */
  all(dbId: string, sql: string, params?: SqlParams): Promise<SqlRow[]>
  /** Runs one learner statement that changes data. */
  run(dbId: string, sql: string, params?: SqlParams): Promise<RunResult>
  begin(dbId: string): Promise<void>
  commit(dbId: string): Promise<void>
  rollback(dbId: string): Promise<void>
  /**
   * A run that used this database was stopped: cancel its statements still waiting (they
   * reject with `StatementCancelled`) and roll back an open transaction before anything else
   * runs on it. Resolves to what was undone.
   */
  abandon(dbId: string): Promise<{ cancelled: number; rolledBack: boolean }>
  /** Trusted: every table with its columns and row count, by name. */
  tables(dbId: string): Promise<TableInfo[]>
  /** Trusted: one page of a table's rows. Default limit 100 (capped at `maxRows`), offset 0. */
  rows(dbId: string, table: string, page?: { limit?: number; offset?: number }): Promise<RowsPage>
  /**
   * Trusted, for checks (fault injection): a later learner statement on this database whose SQL
   * contains `matching` (letter case and runs of white space ignored) fails with an SqlError
   * instead of running, once; `skip` lets that many matching statements run first. A check
   * fails the second write of a transfer this way to see whether the first one rolls back.
   */
  failStatement(dbId: string, fault: { matching: string; skip?: number }): void
  /**
   * Trusted, for checks (a race made certain): the check's `sql` runs just before the next
   * learner statement whose SQL contains `before`, as another request's would between two of
   * the app's statements; once. Inside a transaction it does not run (SQLite lets one writer in).
   */
  interleave(dbId: string, race: { before: string; sql: string; params?: SqlParams }): void
  /**
   * Trusted, for checks: how many learner statements this database has run (`total`) and the
   * SQL text of the last ones (at most 200, oldest first). A check reads it to see request input
   * pasted into SQL, which works until someone sends a quote.
   */
  statementLog(dbId: string): { total: number; recent: string[] }
  /** Trusted: one reading statement (SELECT, EXPLAIN, a PRAGMA that returns rows), no learner rules, same deadline. */
  query(dbId: string, sql: string, params?: SqlParams): Promise<SqlRow[]>
  /** The database as bytes (`serialize()`), for open(..., { snapshot }). */
  snapshot(dbId: string): Promise<Uint8Array>
  /** page_count * page_size: what the database takes on disk (its write-ahead log aside). */
  sizeBytes(dbId: string): Promise<number>
  /** Closes the database and deletes its file. */
  close(dbId: string): Promise<void>
  stats(): DbStats
  /** Kills the child processes (the files stay); every pending and later call rejects. */
  dispose(): Promise<void>
}
