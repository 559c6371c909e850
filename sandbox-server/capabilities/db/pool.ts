/**
 * The database pool: each session's database is a file in the data folder, and a few child
 * processes run statements on them. The pool applies the learner rules before a statement
 * leaves the host and picks the child that runs it.
 *
 * Durability and rollback (the guarantees the README states):
 * - Files are in WAL mode with synchronous=NORMAL, so a statement whose reply came back is
 *   committed: kill -9 of a child or of the server loses no acknowledged write (a power cut
 *   may lose the last ones). A transaction open in a child that dies rolls back by itself.
 * - Any child can open any database. A statement goes to the child already running or holding
 *   that database's work (its earlier statements, its open transaction), else to its home
 *   child when that is idle, else to the least loaded one: one session's runaway statement
 *   holds up only what was already queued behind it.
 * - After a child dies, statements of a transaction it held are refused until the learner's
 *   code rolls back or begins anew (see `loseTransactions`), so half a transfer never commits.
 * TEMP tables live on a connection, and a connection may close (a child dies, or the session's
 * statements move to another child): they are for one request, not for keeping.
 *
 * It must never send a learner statement to a child before assertLearnerStatement() passed it (SQLite
 * applies some PRAGMAs while preparing), and never block the event loop.
 */
import { createHash } from 'node:crypto'
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { access, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { DbProcess, type DbOkReply, type DbRequestPayload, type RequestOptions } from './db-process.ts'
import { DbPoolDisposedError, SqlError, SqlTimeoutError, StatementCancelled, UnknownDatabaseError, formatDuration } from './errors.ts'
import { assertLearnerStatement, normalizeParams } from './learner-sql.ts'
import { reportHostWork } from '../../runtime/host-work.ts'
import type { WireParams } from './protocol.ts'
import type { DbPool, DbPoolOptions, DbStats, RowsPage, RunResult, SqlParams, SqlRow, TableInfo } from './types.ts'

/** Trusted work on data the learner did not shape (seeding, snapshots) gets this deadline. */
const TRUSTED_TIMEOUT_MS = 10_000
const DEFAULT_PAGE_LIMIT = 100

/** What a check asked of a later learner statement: to fail, or to follow a statement of its own. */
interface Fault {
  matching: string
  skip: number
  interleave?: { sql: string; params: WireParams | undefined }
}

/** Learner statements whose SQL text statementLog keeps per database. */
const STATEMENT_LOG_SIZE = 200

interface DatabaseRecord {
  readonly id: string
  /** The file's name without `.sqlite`: a hash of the id, so no session id is written anywhere. */
  readonly key: string
  /** The child it was created on, preferred while idle (its statements are prepared there). */
  home: Slot
  /** Where its requests in progress went, while there are any: the next one follows them. */
  busyOn: Slot | undefined
  pending: number
  /** Inside a transaction (opened by begin() or the learner's own BEGIN), held by `busyOn`'s child. */
  inTransaction: boolean
  txSlot: Slot | undefined
  /** Its child died inside a transaction: refuse statements until the learner's code rolls back or begins anew. */
  transactionLost: boolean
  /** Statements a check asked to fail (failStatement) or to precede (interleave), in the order asked. */
  faults: Fault[]
  /** The SQL text of its last learner statements (statementLog), and how many there were in all. */
  statements: { total: number; recent: string[] }
  /** Children that may hold a connection to it (closed there before the file is deleted). */
  readonly openOn: Set<Slot>
}

interface Slot {
  process: DbProcess
  /** Databases created here (for balancing homes). */
  homes: number
}

/**
 * Creates a pool of child processes serving per-session SQLite database files.
 *
 * @example
 * const pool = createDbPool({ processes: 2, statementTimeoutMs: 1000, dataDir: 'data/databases' })
 * await pool.open('session-1', { seedSql: 'CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT)' })
 * await pool.run('session-1', 'INSERT INTO users (name) VALUES (?)', ['Ada'])
 * await pool.get('session-1', 'SELECT * FROM users WHERE name = :name', { name: 'Ada' }) // { id: 1, name: 'Ada' }
 * await pool.dispose() // the files stay; pool.reopen('session-1') in a new pool finds them
 */
export function createDbPool(options: DbPoolOptions = {}): DbPool {
  return new ProcessDbPool(options)
}

class ProcessDbPool implements DbPool {
  private readonly records = new Map<string, DatabaseRecord>()
  private readonly slots: Slot[]
  private readonly statementTimeoutMs: number
  private readonly maxRows: number
  private readonly dataDir: string
  /** A folder of our own in the system's temp folder, removed by dispose(). */
  private readonly temporary: boolean
  private disposed = false

  constructor({ processes = 2, statementTimeoutMs = 1000, maxPageCount = 4096, maxRows = 5000, dataDir, maxOpenPerProcess = 256 }: DbPoolOptions) {
    this.statementTimeoutMs = statementTimeoutMs
    this.maxRows = maxRows
    this.temporary = dataDir === undefined
    if (dataDir === undefined) this.dataDir = mkdtempSync(join(tmpdir(), 'backend-sandbox-db-'))
    else {
      this.dataDir = resolve(dataDir)
      mkdirSync(this.dataDir, { recursive: true, mode: 0o700 })
    }
    // A reply may carry about as much as the whole database could hold.
    const config = {
      maxRows,
      maxResultBytes: Math.max(maxPageCount * 4096, 1024 * 1024),
      partBytes: 1024 * 1024,
      dataDir: this.dataDir,
      maxPageCount,
      maxOpen: maxOpenPerProcess,
    }
    this.slots = Array.from({ length: Math.max(1, Math.floor(processes)) }, () => {
      // The hook runs only on the child's exit, after `slot` exists.
      const slot: Slot = { homes: 0, process: new DbProcess(config, { died: () => this.loseTransactions(slot) }) }
      return slot
    })
  }

  async open(dbId: string, source: { seedSql?: string; snapshot?: Uint8Array } = {}): Promise<void> {
    const record = this.register(dbId)
    try {
      await this.send(
        record,
        { op: 'create', dbId: record.key, seedSql: source.seedSql, bytes: source.snapshot },
        this.trustedDeadline('creating the database (running its seed SQL)'),
      )
    } catch (error) {
      this.forget(record)
      throw error
    }
  }

  async reopen(dbId: string): Promise<void> {
    const record = this.register(dbId)
    try {
      await access(this.fileOf(record.key))
    } catch {
      this.forget(record)
      throw new UnknownDatabaseError(dbId)
    }
  }

  async get(dbId: string, sql: string, params?: SqlParams): Promise<SqlRow | undefined> {
    const reply = await this.learnerStatement('get', dbId, sql, params)
    return reply.result as SqlRow | undefined
  }

  async all(dbId: string, sql: string, params?: SqlParams): Promise<SqlRow[]> {
    const reply = await this.learnerStatement('all', dbId, sql, params)
    return reply.result as SqlRow[]
  }

  async run(dbId: string, sql: string, params?: SqlParams): Promise<RunResult> {
    const reply = await this.learnerStatement('run', dbId, sql, params)
    return reply.result as RunResult
  }

  async begin(dbId: string): Promise<void> {
    const record = this.find(dbId)
    record.transactionLost = false
    await this.send(record, { op: 'begin', dbId: record.key }, this.statementDeadline())
  }

  async commit(dbId: string): Promise<void> {
    const record = this.find(dbId)
    this.refuseLostTransaction(record)
    await this.send(record, { op: 'commit', dbId: record.key }, this.statementDeadline())
  }

  async rollback(dbId: string): Promise<void> {
    const record = this.find(dbId)
    if (record.transactionLost) {
      // Already rolled back, with the child that held it.
      record.transactionLost = false
      return
    }
    await this.send(record, { op: 'rollback', dbId: record.key }, this.statementDeadline())
  }

  async abandon(dbId: string): Promise<{ cancelled: number; rolledBack: boolean }> {
    const record = this.records.get(dbId)
    if (!record) return { cancelled: 0, rolledBack: false }
    // Its requests in progress are all on one child (see slotFor).
    const slot = record.inTransaction && record.txSlot ? record.txSlot : record.busyOn
    record.transactionLost = false
    if (!slot) return { cancelled: 0, rolledBack: false }
    const cancelled = slot.process.cancelQueued(record.key, new StatementCancelled())
    // A statement already in the child finishes first; then the transaction it may have left
    // open is rolled back, ahead of anything queued since.
    if (!record.inTransaction && !slot.process.isRunning(record.key)) return { cancelled, rolledBack: false }
    const rollback = await this.send(record, { op: 'rollback', dbId: record.key }, { ...this.statementDeadline(), front: true }, slot).then(
      () => true,
      () => false,
    )
    return { cancelled, rolledBack: rollback && record.inTransaction === false }
  }

  async removeOthers(): Promise<number> {
    this.assertUsable()
    return removeDatabasesExcept(this.dataDir, this.records.keys())
  }

  async tables(dbId: string): Promise<TableInfo[]> {
    const reply = await this.send(this.find(dbId), { op: 'tables', dbId: this.keyOf(dbId) }, this.statementDeadline('listing the tables'))
    return reply.result as TableInfo[]
  }

  async rows(dbId: string, table: string, page: { limit?: number; offset?: number } = {}): Promise<RowsPage> {
    const record = this.find(dbId)
    const limit = clampInteger(page.limit ?? DEFAULT_PAGE_LIMIT, 0, this.maxRows)
    const offset = clampInteger(page.offset ?? 0, 0, Number.MAX_SAFE_INTEGER)
    const reply = await this.send(
      record,
      { op: 'rows', dbId: record.key, table: String(table), limit, offset },
      // A learner's VIEW can be endless, so reading one gets the learner's deadline.
      this.statementDeadline(`reading ${JSON.stringify(table)}`),
    )
    return reply.result as RowsPage
  }

  statementLog(dbId: string): { total: number; recent: string[] } {
    const { total, recent } = this.find(dbId).statements
    return { total, recent: [...recent] }
  }

  failStatement(dbId: string, { matching, skip = 0 }: { matching: string; skip?: number }): void {
    this.find(dbId).faults.push({ matching: normalizeSql(matching), skip })
  }

  interleave(dbId: string, { before, sql, params }: { before: string; sql: string; params?: SqlParams }): void {
    this.find(dbId).faults.push({ matching: normalizeSql(before), skip: 0, interleave: { sql, params: normalizeParams(params) } })
  }

  async query(dbId: string, sql: string, params?: SqlParams): Promise<SqlRow[]> {
    const record = this.find(dbId)
    const wireParams = normalizeParams(params)
    const reply = await this.send(record, { op: 'query', dbId: record.key, sql: String(sql), params: wireParams }, this.statementDeadline())
    return reply.result as SqlRow[]
  }

  async snapshot(dbId: string): Promise<Uint8Array> {
    const record = this.find(dbId)
    const reply = await this.send(record, { op: 'snapshot', dbId: record.key }, this.trustedDeadline('taking a snapshot'))
    if (!reply.bytes) {
      throw new SqlError('the database is inside a transaction: commit or roll back before taking a snapshot', 'SANDBOX_IN_TRANSACTION')
    }
    return reply.bytes
  }

  async sizeBytes(dbId: string): Promise<number> {
    const record = this.find(dbId)
    const reply = await this.send(record, { op: 'size', dbId: record.key }, this.trustedDeadline('measuring the database'))
    return reply.result as number
  }

  async close(dbId: string): Promise<void> {
    const record = this.find(dbId)
    // Forget it first so nothing new is sent; calls already queued still run before the close.
    this.forget(record)
    await Promise.all(
      [...record.openOn].map((slot) =>
        slot.process.request({ op: 'close', dbId: record.key }, this.trustedDeadline('closing the database')).catch(() => {
          // Its child died meanwhile: the connection went with it.
        }),
      ),
    )
    const file = this.fileOf(record.key)
    await Promise.all(['', '-wal', '-shm'].map((suffix) => rm(file + suffix, { force: true })))
  }

  stats(): DbStats {
    return {
      processes: this.slots.filter((slot) => slot.process.alive).length,
      databases: this.records.size,
      restarts: this.slots.reduce((sum, slot) => sum + slot.process.restarts, 0),
    }
  }

  async dispose(): Promise<void> {
    this.disposed = true
    this.records.clear()
    await Promise.all(this.slots.map((slot) => slot.process.dispose()))
    if (this.temporary) rmSync(this.dataDir, { recursive: true, force: true })
  }

  /** Throws while a transaction this database was in is lost (see `transactionLost`); BEGIN or ROLLBACK end that. */
  private refuseLostTransaction(record: DatabaseRecord, sql = ''): void {
    if (!record.transactionLost) return
    if (/^\s*(BEGIN|ROLLBACK)\b/i.test(sql)) {
      record.transactionLost = false
      return
    }
    throw lostTransactionError()
  }

  private learnerStatement(op: 'get' | 'all' | 'run', dbId: string, sql: string, params: SqlParams | undefined) {
    const record = this.find(dbId)
    this.refuseLostTransaction(record, typeof sql === 'string' ? sql : '')
    assertLearnerStatement(sql)
    const wireParams: WireParams | undefined = normalizeParams(params)
    const log = record.statements
    log.total += 1
    log.recent.push(sql)
    if (log.recent.length > STATEMENT_LOG_SIZE) log.recent.shift()
    const interleaved = this.injectFault(record, sql)
    const statement = () => this.send(record, { op, dbId: record.key, sql, params: wireParams }, this.statementDeadline())
    if (!interleaved) return statement()
    return this.send(record, { op: 'run', dbId: record.key, ...interleaved }, this.statementDeadline()).then(statement, (error: Error) => {
      throw new SqlError(`the check's own statement, run before yours, failed: ${error.message}`, 'SANDBOX_INTERLEAVE_FAILED')
    })
  }

  /**
   * Throws for a statement a check asked to fail (failStatement), or answers the statement a
   * check asked to run before it (interleave); counts down the skips of the others.
   */
  private injectFault(record: DatabaseRecord, sql: string): Fault['interleave'] {
    const text = normalizeSql(sql)
    const index = record.faults.findIndex((fault) => text.includes(fault.matching))
    if (index === -1) return
    const fault = record.faults[index]!
    if (fault.skip > 0) {
      fault.skip -= 1
      return
    }
    record.faults.splice(index, 1)
    // Inside a transaction no other request's write comes in between: SQLite has one writer.
    if (fault.interleave) return record.inTransaction ? undefined : fault.interleave
    throw new SqlError(
      'this statement failed on purpose: the check made it fail, to see what your code does when a write fails',
      'SANDBOX_INJECTED_FAULT',
    )
  }

  /**
   * The child for a database's next request: the one holding its transaction or running its
   * earlier requests (so they stay in order); else its home while idle; else the least loaded.
   */
  private slotFor(record: DatabaseRecord): Slot {
    if (record.inTransaction && record.txSlot) return record.txSlot
    if (record.pending > 0 && record.busyOn) return record.busyOn
    if (record.home.process.load === 0) return record.home
    return this.slots.reduce((best, candidate) => (candidate.process.load < best.process.load ? candidate : best), record.home)
  }

  private async send(
    record: DatabaseRecord,
    payload: DbRequestPayload,
    options: Omit<RequestOptions, 'onReply'>,
    slot = this.slotFor(record),
  ): Promise<DbOkReply> {
    // Charged to the learner's run: the child's CPU, not the time spent queued behind others;
    // a failed statement carries its CPU on the error. One that ran away is the deadline's,
    // which stops the run.
    let cpuMs = 0
    record.pending++
    record.busyOn = slot
    record.openOn.add(slot)
    try {
      const reply = await slot.process.request(payload, {
        ...options,
        // Synchronously with the reply, before the child gets its next request.
        onReply: (reply) => {
          record.inTransaction = reply.tx === true
          record.txSlot = record.inTransaction ? slot : undefined
        },
      })
      cpuMs = reply.cpuMs ?? 0
      return reply
    } catch (error) {
      const spent = (error as { cpuMs?: unknown }).cpuMs
      if (typeof spent === 'number') cpuMs = spent
      throw error
    } finally {
      record.pending--
      reportHostWork(cpuMs)
    }
  }

  /** The learner's deadline; `what` words the error when the work was not a learner statement. */
  private statementDeadline(what?: string): Pick<RequestOptions, 'timeoutMs' | 'timeoutError'> {
    const timeoutMs = this.statementTimeoutMs
    return {
      timeoutMs,
      timeoutError: () =>
        new SqlTimeoutError(timeoutMs, what === undefined ? undefined : `${what} took longer than ${formatDuration(timeoutMs)} and was stopped`),
    }
  }

  private trustedDeadline(what: string): Pick<RequestOptions, 'timeoutMs' | 'timeoutError'> {
    const timeoutMs = Math.max(TRUSTED_TIMEOUT_MS, this.statementTimeoutMs)
    return {
      timeoutMs,
      timeoutError: () => new SqlTimeoutError(timeoutMs, `${what} took longer than ${formatDuration(timeoutMs)} and was stopped`),
    }
  }

  private keyOf(dbId: string): string {
    return this.find(dbId).key
  }

  private fileOf(key: string): string {
    return join(this.dataDir, `${key}.sqlite`)
  }

  private register(dbId: string): DatabaseRecord {
    this.assertUsable()
    if (typeof dbId !== 'string' || dbId === '') throw new TypeError('dbId must be a non-empty string')
    if (this.records.has(dbId)) throw new Error('a database with this id is already open')
    // Homes are spread evenly; ties go to the first child.
    const home = this.slots.reduce((best, candidate) => (candidate.homes < best.homes ? candidate : best))
    home.homes++
    const record: DatabaseRecord = {
      id: dbId,
      key: databaseKey(dbId),
      home,
      busyOn: undefined,
      pending: 0,
      inTransaction: false,
      txSlot: undefined,
      transactionLost: false,
      faults: [],
      statements: { total: 0, recent: [] },
      openOn: new Set(),
    }
    this.records.set(dbId, record)
    return record
  }

  private find(dbId: string): DatabaseRecord {
    this.assertUsable()
    const record = this.records.get(dbId)
    if (!record) throw new UnknownDatabaseError(String(dbId))
    return record
  }

  private assertUsable(): void {
    if (this.disposed) throw new DbPoolDisposedError()
  }

  private forget(record: DatabaseRecord): void {
    if (this.records.get(record.id) !== record) return
    this.records.delete(record.id)
    record.home.homes--
  }

  /**
   * A child died: the open transactions it held rolled back with it. Statements sent for them
   * must not now run one by one outside a transaction (half a transfer committed), so the ones
   * waiting are cancelled and later ones refused until the learner's code rolls back.
   */
  private loseTransactions(slot: Slot): void {
    for (const record of this.records.values()) {
      record.openOn.delete(slot)
      if (!record.inTransaction || record.txSlot !== slot) continue
      record.inTransaction = false
      record.txSlot = undefined
      record.transactionLost = true
      slot.process.cancelQueued(record.key, lostTransactionError())
    }
  }
}

/**
 * Deletes the database files in `dataDir` of every id but `keep`; resolves to how many
 * databases. For a folder no pool is writing to, or through a pool's removeOthers().
 */
/** Lowercase, with each run of white space one space: how failStatement compares SQL. */
function normalizeSql(sql: string): string {
  return sql.toLowerCase().replace(/\s+/g, ' ').trim()
}

export async function removeDatabasesExcept(dataDir: string, keep: Iterable<string>): Promise<number> {
  const kept = new Set([...keep].map(databaseKey))
  const stale = (await readdir(dataDir).catch(() => [])).filter((name) => {
    const key = /^([0-9a-f]{32})\.sqlite(-wal|-shm)?$/.exec(name)?.[1]
    return key !== undefined && !kept.has(key)
  })
  await Promise.all(stale.map((name) => rm(join(dataDir, name), { force: true })))
  return stale.filter((name) => name.endsWith('.sqlite')).length
}

/** The name of a database's file in the data folder, without `.sqlite`: a hash of its id, so no session id is written to disk. */
export function databaseKey(dbId: string): string {
  return createHash('sha256').update(dbId).digest('hex').slice(0, 32)
}

function lostTransactionError(): SqlError {
  return new SqlError(
    'the database process restarted in the middle of your transaction (a query ran away), so it was rolled back and nothing of it was kept: run the request again',
    'SANDBOX_TRANSACTION_LOST',
  )
}

function clampInteger(value: number, min: number, max: number): number {
  const integer = Number.isFinite(value) ? Math.floor(value) : min
  return Math.min(max, Math.max(min, integer))
}
