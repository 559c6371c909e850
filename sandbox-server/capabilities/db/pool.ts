/**
 * The database pool: which child holds which session database, the learner rules applied
 * before a statement leaves the host, and the snapshots that let a killed child come back.
 *
 * Snapshot policy (the data-loss window):
 * - Every database has a snapshot from the moment it opens (taken right after seeding, or the
 *   snapshot it was opened from). The host keeps it, so it costs as much memory again as the
 *   database itself. Large snapshots cross the IPC channel in 1 MiB slices so the event loop
 *   never copies more than that at once.
 * - A statement that may write marks its database dirty. Before the child runs a statement
 *   that could run away or crash it (a learner statement, query(), rows(), tables(), a seed),
 *   every *other* dirty database in that child whose snapshot is at most 1 MiB is snapshotted
 *   first. So another session's runaway never costs a small database any committed write.
 * - Every dirty database is also snapshotted a while after its write: `snapshotIntervalMs`
 *   (default 100 ms) per MiB of snapshot, at least one interval. That bounds what a larger
 *   database (over 1 MiB) can lose to another session's runaway: its writes of the last
 *   ~0.1 s per MiB (1.6 s at the 16 MiB limit), plus however long its snapshot waited
 *   behind the runaway (at most the statement deadline).
 * - A database inside a transaction is never snapshotted (serialize() would capture rows that
 *   may still roll back): an open transaction is always lost. begin() snapshots a dirty
 *   database first; a learner's own `run('BEGIN')` does not, so the writes just before it
 *   may be lost with the transaction.
 * - The database whose own statement ran away (or crashed the child) comes back from its last
 *   snapshot: the runaway statement never happened, and its own writes of the last interval
 *   (those no snapshot caught yet) are gone too. The learner's error says so.
 * TEMP tables live on the connection, not in the snapshot: a restore drops them.
 *
 * It must never send a learner statement to a child before findRefusal() passed it (SQLite
 * applies some PRAGMAs while preparing), and never block the event loop.
 */
import { DbProcess, type DbOkReply, type DbRequestPayload, type RequestOptions } from './db-process.ts'
import { DbPoolDisposedError, SqlError, SqlTimeoutError, StatementCancelled, UnknownDatabaseError, formatDuration } from './errors.ts'
import { assertLearnerStatement, normalizeParams } from './learner-sql.ts'
import { reportHostWork } from '../../runtime/host-work.ts'
import type { WireParams } from './protocol.ts'
import type { DbPool, DbPoolOptions, DbStats, RowsPage, RunResult, SqlParams, SqlRow, TableInfo } from './types.ts'

/** Dirty databases up to this size are snapshotted before another database's risky statement. */
const SWITCH_SNAPSHOT_MAX_BYTES = 1024 * 1024
/** Trusted work on data the learner did not shape (seeding, snapshots, restores) gets this deadline. */
const TRUSTED_TIMEOUT_MS = 10_000
const DEFAULT_PAGE_LIMIT = 100
const RESTORED = '; the database was restored from its last snapshot'

interface DatabaseRecord {
  readonly id: string
  readonly slot: Slot
  /** The last state a crash can fall back to. */
  snapshot: Uint8Array | undefined
  /** The child has it open (open finished); only then can it be restored. */
  opened: boolean
  /** Written since `snapshot` was taken. */
  dirty: boolean
  inTransaction: boolean
  /** Its child died inside a transaction: refuse statements until the learner's code rolls back or begins anew. */
  transactionLost: boolean
  snapshotQueued: boolean
  /** A restore request for it waits in its child's queue (it survives a further death). */
  restoreQueued: boolean
  /** Refreshes the snapshot a while after a write (see the policy above). */
  flushTimer: NodeJS.Timeout | undefined
}

interface Slot {
  process: DbProcess
  databases: Set<DatabaseRecord>
}

/**
 * Creates a pool of child processes holding per-session SQLite databases.
 *
 * @example
 * const pool = createDbPool({ processes: 2, statementTimeoutMs: 1000 })
 * await pool.open('session-1', { seedSql: 'CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT)' })
 * await pool.run('session-1', 'INSERT INTO users (name) VALUES (?)', ['Ada'])
 * await pool.get('session-1', 'SELECT * FROM users WHERE name = :name', { name: 'Ada' }) // { id: 1, name: 'Ada' }
 * await pool.dispose()
 */
export function createDbPool(options: DbPoolOptions = {}): DbPool {
  return new ProcessDbPool(options)
}

class ProcessDbPool implements DbPool {
  private readonly records = new Map<string, DatabaseRecord>()
  private readonly slots: Slot[]
  private readonly statementTimeoutMs: number
  private readonly maxPageCount: number
  private readonly maxRows: number
  private readonly snapshotIntervalMs: number
  private disposed = false

  constructor({ processes = 2, statementTimeoutMs = 1000, maxPageCount = 4096, maxRows = 5000, snapshotIntervalMs = 100 }: DbPoolOptions) {
    this.statementTimeoutMs = statementTimeoutMs
    this.maxPageCount = maxPageCount
    this.maxRows = maxRows
    this.snapshotIntervalMs = snapshotIntervalMs
    // A reply may carry about as much as the whole database could hold.
    const config = { maxRows, maxResultBytes: Math.max(maxPageCount * 4096, 1024 * 1024), partBytes: 1024 * 1024 }
    this.slots = Array.from({ length: Math.max(1, Math.floor(processes)) }, () => {
      // The hooks run only on the child's messages, after `slot` exists.
      const slot: Slot = {
        databases: new Set(),
        process: new DbProcess(config, {
          beforeRisky: (dbId) => this.snapshotOthersBefore(slot, dbId),
          restore: () => this.restore(slot),
          died: () => this.loseTransactions(slot),
        }),
      }
      return slot
    })
  }

  async open(dbId: string, source: { seedSql?: string; snapshot?: Uint8Array } = {}): Promise<void> {
    this.assertUsable()
    if (typeof dbId !== 'string' || dbId === '') throw new TypeError('dbId must be a non-empty string')
    if (this.records.has(dbId)) throw new Error('a database with this id is already open')
    // Least loaded child; ties go to the first.
    const slot = this.slots.reduce((best, candidate) => (candidate.databases.size < best.databases.size ? candidate : best))
    const record: DatabaseRecord = {
      id: dbId,
      slot,
      snapshot: source.snapshot,
      opened: false,
      dirty: false,
      inTransaction: false,
      transactionLost: false,
      snapshotQueued: false,
      restoreQueued: false,
      flushTimer: undefined,
    }
    this.records.set(dbId, record)
    slot.databases.add(record)
    try {
      await slot.process.request(
        { op: 'open', dbId, seedSql: source.seedSql, bytes: source.snapshot, maxPageCount: this.maxPageCount },
        {
          ...this.trustedDeadline('opening the database (running its seed SQL)'),
          risky: true,
          onReply: (okReply) => {
            record.snapshot = okReply.bytes ?? source.snapshot
            record.opened = true
          },
        },
      )
    } catch (error) {
      this.forget(record)
      throw error
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
    // No snapshot can be taken inside the transaction: catch the writes made before it now.
    if (record.dirty) this.queueSnapshot(record, false)
    await this.send(record, { op: 'begin', dbId }, this.statementDeadline())
  }

  async commit(dbId: string): Promise<void> {
    const record = this.find(dbId)
    this.refuseLostTransaction(record)
    await this.send(record, { op: 'commit', dbId }, this.statementDeadline())
  }

  async rollback(dbId: string): Promise<void> {
    const record = this.find(dbId)
    if (record.transactionLost) {
      // Already rolled back, with the child that held it.
      record.transactionLost = false
      return
    }
    await this.send(record, { op: 'rollback', dbId }, this.statementDeadline())
  }

  async abandon(dbId: string): Promise<{ cancelled: number; rolledBack: boolean }> {
    const record = this.records.get(dbId)
    if (!record) return { cancelled: 0, rolledBack: false }
    const cancelled = record.slot.process.cancelQueued(dbId, new StatementCancelled())
    record.transactionLost = false
    // A statement already in the child finishes first; then the transaction it may have left
    // open is rolled back, ahead of anything queued since.
    if (!record.inTransaction && !record.slot.process.isRunning(dbId)) return { cancelled, rolledBack: false }
    const rollback = await this.send(record, { op: 'rollback', dbId }, { ...this.statementDeadline(), front: true }).then(
      () => true,
      () => false,
    )
    return { cancelled, rolledBack: rollback && record.inTransaction === false }
  }

  async tables(dbId: string): Promise<TableInfo[]> {
    const reply = await this.send(this.find(dbId), { op: 'tables', dbId }, { ...this.statementDeadline('listing the tables'), risky: true })
    return reply.result as TableInfo[]
  }

  async rows(dbId: string, table: string, page: { limit?: number; offset?: number } = {}): Promise<RowsPage> {
    const record = this.find(dbId)
    const limit = clampInteger(page.limit ?? DEFAULT_PAGE_LIMIT, 0, this.maxRows)
    const offset = clampInteger(page.offset ?? 0, 0, Number.MAX_SAFE_INTEGER)
    const reply = await this.send(
      record,
      { op: 'rows', dbId, table: String(table), limit, offset },
      // A learner's VIEW can be endless, so reading one gets the learner's deadline.
      { ...this.statementDeadline(`reading ${JSON.stringify(table)}`), risky: true },
    )
    return reply.result as RowsPage
  }

  async query(dbId: string, sql: string, params?: SqlParams): Promise<SqlRow[]> {
    const record = this.find(dbId)
    const wireParams = normalizeParams(params)
    const reply = await this.send(record, { op: 'query', dbId, sql: String(sql), params: wireParams }, { ...this.statementDeadline(), risky: true })
    return reply.result as SqlRow[]
  }

  async snapshot(dbId: string): Promise<Uint8Array> {
    const record = this.find(dbId)
    const reply = await record.slot.process.request(
      { op: 'snapshot', dbId },
      {
        ...this.trustedDeadline('taking a snapshot'),
        onReply: (okReply) => {
          if (okReply.bytes) this.keepSnapshot(record, okReply.bytes)
        },
      },
    )
    const snapshot = reply.bytes
    if (!snapshot) {
      throw new SqlError('the database is inside a transaction: commit or roll back before taking a snapshot', 'SANDBOX_IN_TRANSACTION')
    }
    return snapshot
  }

  async sizeBytes(dbId: string): Promise<number> {
    const reply = await this.send(this.find(dbId), { op: 'size', dbId }, this.trustedDeadline('measuring the database'))
    return reply.result as number
  }

  async close(dbId: string): Promise<void> {
    const record = this.find(dbId)
    // Forget it first so no restore brings it back; calls already queued still run before the close.
    this.forget(record)
    try {
      await record.slot.process.request({ op: 'close', dbId }, this.trustedDeadline('closing the database'))
    } catch (error) {
      // Gone already (its open failed or a crash lost it): closed is what was asked for.
      if (!(error instanceof UnknownDatabaseError)) throw error
    }
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
    for (const record of this.records.values()) clearTimeout(record.flushTimer)
    this.records.clear()
    await Promise.all(this.slots.map((slot) => slot.process.dispose()))
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
    return this.send(record, { op, dbId, sql, params: wireParams }, { ...this.statementDeadline(), risky: true })
  }

  private async send(record: DatabaseRecord, payload: DbRequestPayload, options: Omit<RequestOptions, 'onReply'>): Promise<DbOkReply> {
    // Charged to the learner's run: the child's CPU, not the time spent queued behind others;
    // a failed statement carries its CPU on the error. One that ran away is the deadline's,
    // which stops the run.
    let cpuMs = 0
    try {
      const reply = await record.slot.process.request(payload, { ...options, onReply: (reply) => this.noteReply(record, reply) })
      cpuMs = reply.cpuMs ?? 0
      return reply
    } catch (error) {
      const spent = (error as { cpuMs?: unknown }).cpuMs
      if (typeof spent === 'number') cpuMs = spent
      throw error
    } finally {
      reportHostWork(cpuMs)
    }
  }

  /** Runs synchronously with the reply, before the child gets its next request. */
  private noteReply(record: DatabaseRecord, reply: DbOkReply): void {
    record.inTransaction = reply.tx === true
    if (reply.wrote) record.dirty = true
    if (record.dirty && !record.inTransaction) this.scheduleFlush(record)
  }

  /** The learner's deadline; `what` words the error when the work was not a learner statement. */
  private statementDeadline(what?: string): Pick<RequestOptions, 'timeoutMs' | 'timeoutError'> {
    const timeoutMs = this.statementTimeoutMs
    return {
      timeoutMs,
      timeoutError: () =>
        new SqlTimeoutError(
          timeoutMs,
          what === undefined ? undefined : `${what} took longer than ${formatDuration(timeoutMs)} and was stopped${RESTORED}`,
        ),
    }
  }

  private trustedDeadline(what: string): Pick<RequestOptions, 'timeoutMs' | 'timeoutError'> {
    const timeoutMs = Math.max(TRUSTED_TIMEOUT_MS, this.statementTimeoutMs)
    return {
      timeoutMs,
      timeoutError: () => new SqlTimeoutError(timeoutMs, `${what} took longer than ${formatDuration(timeoutMs)} and was stopped${RESTORED}`),
    }
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
    clearTimeout(record.flushTimer)
    if (this.records.get(record.id) === record) this.records.delete(record.id)
    record.slot.databases.delete(record)
  }

  private keepSnapshot(record: DatabaseRecord, snapshot: Uint8Array): void {
    record.snapshot = snapshot
    record.dirty = false
    record.inTransaction = false
  }

  private scheduleFlush(record: DatabaseRecord): void {
    if (record.flushTimer || this.disposed) return
    // Copying a snapshot costs the event loop ~1.5 ms a MiB (measured), so a larger database
    // is snapshotted less often: the interval grows by one snapshotIntervalMs per MiB.
    const mebibytes = (record.snapshot?.byteLength ?? 0) / (1024 * 1024)
    record.flushTimer = setTimeout(
      () => {
        record.flushTimer = undefined
        if (record.dirty && !record.inTransaction) this.queueSnapshot(record, false)
      },
      this.snapshotIntervalMs * Math.max(1, mebibytes),
    )
    // Pending snapshots alone must not keep the host process alive.
    record.flushTimer.unref()
  }

  /** The beforeRisky hook: see the snapshot policy in the header. */
  private snapshotOthersBefore(slot: Slot, dbId: string): void {
    for (const record of slot.databases) {
      if (record.id !== dbId && record.dirty && !record.inTransaction && (record.snapshot?.byteLength ?? 0) <= SWITCH_SNAPSHOT_MAX_BYTES) {
        this.queueSnapshot(record, true)
      }
    }
  }

  private queueSnapshot(record: DatabaseRecord, front: boolean): void {
    if (record.snapshotQueued || !record.opened || this.disposed) return
    record.snapshotQueued = true
    record.slot.process
      .request(
        { op: 'snapshot', dbId: record.id },
        {
          ...this.trustedDeadline('taking a snapshot'),
          front,
          onReply: (reply) => {
            record.snapshotQueued = false
            if (reply.bytes) this.keepSnapshot(record, reply.bytes)
            else record.inTransaction = true
          },
        },
      )
      .catch(() => {
        // Lost with its child (the restore takes over) or closed meanwhile: nothing to keep.
        record.snapshotQueued = false
      })
  }

  /** The restore hook: reopens the child's databases from their snapshots before anything else runs. */
  /**
   * A child died: the open transactions of its databases went with it. Statements sent for
   * them must not now run one by one outside a transaction (half a transfer committed), so the
   * ones waiting are cancelled and later ones refused until the learner's code rolls back.
   */
  private loseTransactions(slot: Slot): void {
    for (const record of slot.databases) {
      if (!record.inTransaction) continue
      record.transactionLost = true
      slot.process.cancelQueued(record.id, lostTransactionError())
    }
  }

  private restore(slot: Slot): void {
    // A restore still queued from an earlier death will run in this child too.
    const records = [...slot.databases].filter((record) => record.opened && record.snapshot && !record.restoreQueued)
    // `front` puts each at the head, so queue them last-first to restore in order.
    for (const record of records.reverse()) {
      record.dirty = false
      record.inTransaction = false
      record.restoreQueued = true
      slot.process
        .request(
          { op: 'open', dbId: record.id, bytes: record.snapshot, maxPageCount: this.maxPageCount },
          {
            ...this.trustedDeadline('restoring the database'),
            front: true,
            onReply: () => {
              record.restoreQueued = false
            },
          },
        )
        .catch(() => {
          record.restoreQueued = false
          // It cannot come back (it crashed its child again, or the pool closed): calls on it
          // now say "unknown database", which the session layer reports as a reset.
          this.forget(record)
        })
    }
  }
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
