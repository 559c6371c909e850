// @ts-check
/**
 * A database child process: opens session databases (files in the pool's data folder) and
 * runs one request at a time for the host's pool (./pool.ts) over IPC (protocol in
 * ./protocol.ts). Any child can open any database: the pool sends each statement to a child
 * that is free, so one session's runaway statement delays nobody else.
 *
 * Why a separate process: better-sqlite3 cannot interrupt a running statement (its issue 707),
 * so the host kills this whole process at the statement deadline. Every database is a file in
 * WAL mode with synchronous=NORMAL: a committed write is in the operating system's hands
 * before the reply leaves, so it survives kill -9 of this process or the host (not a power
 * cut), and a transaction this process held open when it died rolls back by itself.
 *
 * Why plain JavaScript: `child_process.fork` must start it on Node 20, 22 and 24 with no tsx
 * loader and no flags, from the server, the tests and the grader CLI alike.
 *
 * What it must never do:
 * - open a file outside `config.dataDir`, or one whose name it did not make from a key of 32
 *   hex digits; the host refuses ATTACH, DETACH, VACUUM and PRAGMA (but a read-only list)
 *   before a learner statement gets here (./learner-sql.ts), so learner SQL names no file;
 * - read the environment: the host starts it with an empty env and no execArgv;
 * - outlive the host: a watchdog thread kills it when its parent process changes;
 * - send back a stack trace or a host path: an error crosses as `{ kind, message, code }`.
 *
 * @typedef {import('./protocol.ts').DbRequest} DbRequest
 * @typedef {import('./protocol.ts').DbReply} DbReply
 * @typedef {import('./protocol.ts').ChildConfig} ChildConfig
 * @typedef {import('./protocol.ts').WireError} WireError
 * @typedef {import('./protocol.ts').BytesPart} BytesPart
 * @typedef {import('./protocol.ts').ChildReady} ChildReady
 * @typedef {import('better-sqlite3').Database} SqliteDatabase
 * @typedef {import('better-sqlite3').Statement} SqliteStatement
 * @typedef {{ db: SqliteDatabase; statements: Map<string, SqliteStatement> }} OpenDatabase
 */
import { rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { Worker } from 'node:worker_threads'
import Database from 'better-sqlite3'
import { fromWire, toWire } from '../../ipc/json-wire.js'

/** @type {ChildConfig} */
const config = JSON.parse(process.argv[2] ?? '{}')

/** Prepared statements kept per database; learner code repeats the same few statements. */
const STATEMENT_CACHE_SIZE = 64
/** Longer statements are prepared each time and never kept, so the cache holds at most ~64 x 2 KB of text. */
const CACHED_STATEMENT_MAX_LENGTH = 2048
/** Page cache per open database, in KiB (SQLite's default is 2 MiB): the file is the real store. */
const PAGE_CACHE_KIB = 512

/** Open databases by key, least recently used first. @type {Map<string, OpenDatabase>} */
const databases = new Map()

/** An error meant for the host, already worded for the learner. */
class RequestError extends Error {
  /**
   * @param {WireError['kind']} kind
   * @param {string} message
   * @param {string} code
   */
  constructor(kind, message, code) {
    super(message)
    this.kind = kind
    this.code = code
  }
}

/** No id in the message: a key names a session's file. */
const unknownDatabase = () => new RequestError('unknown-db', 'no such database', 'SANDBOX_UNKNOWN_DATABASE')

/** @param {string} key */
function fileOf(key) {
  if (!/^[0-9a-f]{32}$/.test(key)) throw unknownDatabase()
  return join(config.dataDir, `${key}.sqlite`)
}

/**
 * The connection settings every open repeats (only the journal mode is kept in the file).
 * @param {SqliteDatabase} db
 */
function configure(db) {
  db.pragma('synchronous = NORMAL')
  db.pragma('foreign_keys = ON')
  db.pragma(`cache_size = -${PAGE_CACHE_KIB}`)
  // The default temp store is a file; in memory, and capped like main, TEMP tables can
  // neither touch the disk nor escape the size limit.
  db.pragma('temp_store = MEMORY')
  db.pragma(`max_page_count = ${Math.floor(config.maxPageCount)}`)
  db.pragma(`temp.max_page_count = ${Math.floor(config.maxPageCount)}`)
  // After a checkpoint the write-ahead log is cut back to this size rather than kept at its peak.
  db.pragma(`journal_size_limit = ${4 * 1024 * 1024}`)
}

/** @param {string} key */
function getDatabase(key) {
  const entry = databases.get(key)
  if (entry) {
    databases.delete(key)
    databases.set(key, entry)
    return entry
  }
  /** @type {SqliteDatabase} */
  let db
  try {
    db = new Database(fileOf(key), { fileMustExist: true, timeout: 1000 })
  } catch (error) {
    if (error instanceof RequestError) throw error
    throw unknownDatabase()
  }
  try {
    configure(db)
  } catch (error) {
    db.close()
    throw error
  }
  return remember(key, db)
}

/**
 * Keeps a connection, closing the least recently used ones beyond `config.maxOpen` (never one
 * inside a transaction): the files stay, and the next request opens them again.
 * @param {string} key
 * @param {SqliteDatabase} db
 */
function remember(key, db) {
  const entry = { db, statements: new Map() }
  databases.set(key, entry)
  for (const [oldKey, old] of databases) {
    if (databases.size <= config.maxOpen) break
    if (oldKey === key || old.db.inTransaction) continue
    old.db.close()
    databases.delete(oldKey)
  }
  return entry
}

/** @param {string} key */
function closeDatabase(key) {
  databases.get(key)?.db.close()
  databases.delete(key)
}

/**
 * Creates a database file afresh (any old one is removed): empty then the trusted seed, run
 * as one transaction, or the bytes of a snapshot.
 * @param {Extract<DbRequest, { op: 'create' }>} request
 */
function createDatabase({ dbId: key, seedSql, bytes }) {
  const file = fileOf(key)
  closeDatabase(key)
  for (const suffix of ['', '-wal', '-shm']) rmSync(file + suffix, { force: true })
  if (bytes) writeFileSync(file, bytes, { mode: 0o600 })
  const db = new Database(file, { timeout: 1000 })
  try {
    db.pragma('journal_mode = WAL')
    configure(db)
    if (seedSql) db.transaction(() => db.exec(seedSql))()
  } catch (error) {
    db.close()
    for (const suffix of ['', '-wal', '-shm']) rmSync(file + suffix, { force: true })
    throw error
  }
  remember(key, db)
  return {}
}

/**
 * Prepares through a small LRU cache. The host has already checked the text: preparing is
 * where SQLite applies some PRAGMAs, so an unchecked statement must never reach here.
 * @param {OpenDatabase} entry
 * @param {string} sql
 */
function prepareCached(entry, sql) {
  const cached = entry.statements.get(sql)
  if (cached) {
    entry.statements.delete(sql)
    entry.statements.set(sql, cached)
    return cached
  }
  const statement = entry.db.prepare(sql)
  // Read integers as BigInt so none is silently rounded; toResultValue turns safe ones back.
  if (statement.reader) statement.safeIntegers(true)
  if (sql.length > CACHED_STATEMENT_MAX_LENGTH) return statement
  entry.statements.set(sql, statement)
  if (entry.statements.size > STATEMENT_CACHE_SIZE) {
    const oldest = entry.statements.keys().next().value
    if (oldest !== undefined) entry.statements.delete(oldest)
  }
  return statement
}

/**
 * Integers come back as numbers while they are safe, as BigInt beyond 2^53 (never rounded);
 * BLOBs as plain Uint8Array rather than Buffer.
 * @param {unknown} value
 */
function toResultValue(value) {
  if (typeof value === 'bigint') {
    return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value
  }
  if (Buffer.isBuffer(value)) return toUint8Array(value)
  return value
}

/** @param {Buffer} buffer */
function toUint8Array(buffer) {
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength)
}

/**
 * What a value weighs in the reply, which crosses as UTF-8: the limit is said in those bytes.
 * @param {unknown} value
 */
function sizeOf(value) {
  if (typeof value === 'string') return Buffer.byteLength(value)
  if (value instanceof Uint8Array) return value.byteLength
  return 8
}

/**
 * Converts one row and charges its size to the reply's budget: a reply over the budget is
 * refused here rather than copied into the host.
 * @param {Record<string, unknown> | unknown[]} row
 * @param {{ bytes: number }} budget
 */
function convertRow(row, budget) {
  const target = /** @type {Record<string, unknown>} */ (row)
  for (const key of Object.keys(target)) {
    const value = toResultValue(target[key])
    target[key] = value
    budget.bytes += sizeOf(value) + 16
  }
  if (budget.bytes > config.maxResultBytes) {
    throw new RequestError(
      'sql',
      `the result is larger than the sandbox limit of ${formatBytes(config.maxResultBytes)}: ` + 'select fewer rows or columns',
      'SANDBOX_RESULT_TOO_LARGE',
    )
  }
  return row
}

/**
 * better-sqlite3 binds an array to `?` and an object to `:name`; no argument binds nothing.
 * @param {import('./protocol.ts').WireParams | undefined} params
 */
function bind(params) {
  return params === undefined ? [] : [params]
}

/**
 * All rows of a statement, refused past the row limit.
 *
 * Not `iterate()`, which could stop early: on Node 24.19+ a garbage-collected better-sqlite3 12
 * StatementIterator aborts the process (`RemoveEnvironmentCleanupHook: Assertion failed:
 * (env) != nullptr` in ~StatementIterator; about one run in three of db.test.ts on 24.21).
 * `all()` builds the whole result first; the statement deadline still bounds how big it gets.
 * @param {SqliteStatement} statement
 * @param {import('./protocol.ts').WireParams | undefined} params
 */
function allRows(statement, params) {
  const found = statement.all(...bind(params))
  if (found.length > config.maxRows) {
    throw new RequestError(
      'sql',
      `the query returned more than ${config.maxRows} rows (the sandbox limit): ` + 'add a LIMIT or a WHERE clause',
      'SANDBOX_TOO_MANY_ROWS',
    )
  }
  const budget = { bytes: 0 }
  return found.map((row) => convertRow(/** @type {Record<string, unknown>} */ (row), budget))
}

/**
 * @param {OpenDatabase} entry
 * @param {Extract<DbRequest, { op: 'get' | 'all' | 'run' | 'query' }>} request
 * @returns {unknown}
 */
function runStatement(entry, request) {
  const statement = prepareCached(entry, request.sql)
  switch (request.op) {
    case 'get': {
      const row = statement.get(...bind(request.params))
      return row === undefined ? undefined : convertRow(/** @type {Record<string, unknown>} */ (row), { bytes: 0 })
    }
    case 'all':
      return allRows(statement, request.params)
    case 'run': {
      const info = statement.run(...bind(request.params))
      return { changes: info.changes, lastInsertRowid: Number(info.lastInsertRowid) }
    }
    case 'query':
      if (!statement.reader || !statement.readonly) {
        throw new RequestError('sql', 'query() only runs statements that read (SELECT, EXPLAIN)', 'SANDBOX_NOT_A_READ')
      }
      return allRows(statement, request.params)
  }
}

/** @param {string} name */
function quoteIdentifier(name) {
  return `"${name.replaceAll('"', '""')}"`
}

/** @param {SqliteDatabase} db */
function listTables(db) {
  /** @type {string[]} */
  const names = db
    .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name")
    .pluck()
    .all()
    .map(String)
  const columnsOf = db.prepare('SELECT name, type, "notnull" AS not_null, pk FROM pragma_table_info(?)')
  return names.map((name) => {
    const columns = /** @type {{ name: string; type: string; not_null: number; pk: number }[]} */ (columnsOf.all(name))
    return {
      name,
      columns: columns.map((column) => ({
        name: column.name,
        type: column.type,
        notNull: column.not_null === 1,
        primaryKey: column.pk > 0,
      })),
      rowCount: Number(
        db
          .prepare(`SELECT count(*) FROM ${quoteIdentifier(name)}`)
          .pluck()
          .get(),
      ),
    }
  })
}

/** What the database panel shows of one long cell: a page of big values stays small. */
const CELL_TEXT_SHOWN = 2000
const CELL_BYTES_SHOWN = 256

/**
 * A cell as the panel shows it: long text cut, and a long BLOB as the start of what SQLite
 * would write (`X'00ff…'`), each saying how much is left out.
 * @param {unknown} value
 */
function shownCell(value) {
  if (typeof value === 'string' && value.length > CELL_TEXT_SHOWN) {
    return `${value.slice(0, CELL_TEXT_SHOWN)}… (${(value.length - CELL_TEXT_SHOWN).toLocaleString('en')} more characters)`
  }
  if (value instanceof Uint8Array && value.byteLength > CELL_BYTES_SHOWN) {
    const shown = Buffer.from(value.buffer, value.byteOffset, CELL_BYTES_SHOWN).toString('hex')
    return `X'${shown}…' (${value.byteLength.toLocaleString('en')} bytes)`
  }
  return value
}

/**
 * @param {SqliteDatabase} db
 * @param {Extract<DbRequest, { op: 'rows' }>} request
 */
function pageOfRows(db, { table, limit, offset }) {
  const exists = db.prepare("SELECT 1 FROM sqlite_schema WHERE type IN ('table', 'view') AND name = ?").get(table)
  if (!exists) throw new RequestError('sql', `no such table: ${table}`, 'SQLITE_ERROR')
  const quoted = quoteIdentifier(table)
  const statement = db.prepare(`SELECT * FROM ${quoted} LIMIT ? OFFSET ?`).raw(true).safeIntegers(true)
  const budget = { bytes: 0 }
  const rows = statement.all(limit, offset).map((row) => convertRow(/** @type {unknown[]} */ (row).map(shownCell), budget))
  return {
    columns: statement.columns().map((column) => column.name),
    rows,
    total: Number(db.prepare(`SELECT count(*) FROM ${quoted}`).pluck().get()),
  }
}

/**
 * @param {DbRequest} request
 * @returns {{ result?: unknown; tx?: boolean; bytes?: Uint8Array }}
 */
function handle(request) {
  if (request.op === 'create') return { ...createDatabase(request), tx: false }
  if (request.op === 'close') {
    closeDatabase(request.dbId)
    return {}
  }
  const entry = getDatabase(request.dbId)
  const { db } = entry
  switch (request.op) {
    case 'get':
    case 'all':
    case 'run':
    case 'query': {
      return { result: runStatement(entry, request), tx: db.inTransaction }
    }
    case 'begin':
      prepareCached(entry, 'BEGIN').run()
      return { tx: true }
    case 'commit':
      prepareCached(entry, 'COMMIT').run()
      return { tx: db.inTransaction }
    case 'rollback':
      prepareCached(entry, 'ROLLBACK').run()
      return { tx: db.inTransaction }
    case 'tables':
      return { result: listTables(db), tx: db.inTransaction }
    case 'rows':
      return { result: pageOfRows(db, request), tx: db.inTransaction }
    case 'snapshot':
      // Inside a transaction serialize() would capture rows that may still be rolled back.
      if (db.inTransaction) return { result: { deferred: true }, tx: true }
      return { bytes: toUint8Array(db.serialize()), tx: false }
    case 'size': {
      const pages = Number(db.pragma('page_count', { simple: true }))
      const pageSize = Number(db.pragma('page_size', { simple: true }))
      return { result: pages * pageSize, tx: db.inTransaction }
    }
  }
}

/** @param {number} bytes */
function formatBytes(bytes) {
  return bytes >= 1024 * 1024 ? `${+(bytes / 1024 / 1024).toFixed(1)} MiB` : `${Math.ceil(bytes / 1024)} KiB`
}

/**
 * Words an error for the learner: SQLite's own message plus its code, never a stack.
 * @param {unknown} error
 * @param {DbRequest} request
 * @returns {WireError}
 */
function toWireError(error, request) {
  if (error instanceof RequestError) {
    return { kind: /** @type {WireError['kind']} */ (error.kind), message: error.message, code: String(error.code) }
  }
  const { message, code } = /** @type {{ message?: unknown; code?: unknown }} */ (error ?? {})
  const text = String(message ?? error)
  if (code === 'SQLITE_FULL') {
    const entry = 'dbId' in request ? databases.get(request.dbId) : undefined
    const pages = config.maxPageCount
    const pageSize = entry ? Number(entry.db.pragma('page_size', { simple: true })) : 4096
    return {
      kind: 'sql',
      message:
        `database is full: it reached the sandbox limit of ${formatBytes(pages * pageSize)} ` + `(${pages} pages); delete rows or store less data`,
      code,
    }
  }
  if (typeof code === 'string' && code.startsWith('SQLITE_')) return { kind: 'sql', message: text, code }
  // better-sqlite3's own checks (binding, statement kind) throw TypeError or RangeError.
  if (/more than one statement/.test(text)) {
    return {
      kind: 'sql',
      message: 'one SQL statement at a time: split the text into separate calls (found more than one statement)',
      code: 'SANDBOX_ONE_STATEMENT',
    }
  }
  if (/contains no statements/.test(text)) {
    return { kind: 'sql', message: 'the SQL text is empty', code: 'SANDBOX_EMPTY_SQL' }
  }
  return { kind: 'sql', message: text, code: error instanceof RangeError ? 'SQLITE_RANGE' : 'SQLITE_MISUSE' }
}

/**
 * better-sqlite3 builds a statement's rows before they can be measured, so a refused result
 * (1,000 rows of zeroblob(1e6)) has already cost its memory; V8 would keep it until the next
 * collection, which an idle child never needs. Collected as soon as the reply is sent.
 */
const REFUSED_FOR_SIZE = new Set(['SANDBOX_RESULT_TOO_LARGE', 'SANDBOX_TOO_MANY_ROWS'])
const collectGarbage = () => /** @type {{ gc?: () => void }} */ (globalThis).gc?.()

/** A large snapshot on its way in, slice by slice, for the request with this id. */
/** @type {{ id: number; bytes: Uint8Array } | undefined} */
let incoming

process.on('message', (/** @type {unknown} */ received) => {
  const message = /** @type {DbRequest | BytesPart} */ (fromWire(received))
  if ('part' in message) {
    if (incoming?.id !== message.id) incoming = { id: message.id, bytes: new Uint8Array(message.total) }
    incoming.bytes.set(message.part, message.offset)
    return
  }
  const request = message
  if (incoming?.id === request.id && request.op === 'create') request.bytes = incoming.bytes
  incoming = undefined
  /** @type {DbReply} */
  let reply
  const cpuBefore = process.cpuUsage()
  try {
    reply = { id: request.id, ok: true, ...handle(request) }
  } catch (error) {
    reply = { id: request.id, ok: false, error: toWireError(error, request) }
  }
  // CPU, not elapsed time, and for failed statements too: on a busy machine a statement waits
  // for a core, and that wait is not the learner's; work that ends in an error is.
  const { user, system } = process.cpuUsage(cpuBefore)
  reply.cpuMs = (user + system) / 1000
  if (reply.ok && reply.bytes && reply.bytes.byteLength > config.partBytes) {
    const { bytes } = reply
    delete reply.bytes
    for (let offset = 0; offset < bytes.byteLength; offset += config.partBytes) {
      /** @type {BytesPart} */
      const part = { id: request.id, part: bytes.subarray(offset, offset + config.partBytes), offset, total: bytes.byteLength }
      process.send?.(toWire(part))
    }
  }
  process.send?.(toWire(reply))
  if (!reply.ok && REFUSED_FOR_SIZE.has(reply.error.code ?? '')) setImmediate(collectGarbage)
})

// The host is gone (or dropped us): nothing here is worth keeping.
process.on('disconnect', () => process.exit(0))

// 'disconnect' cannot fire while a runaway statement holds this thread, and a host that died
// (SIGKILL, crash) cannot kill us at the deadline: an orphaned runaway would burn a core
// forever (seen once in testing). A small thread watches for the parent to change instead.
const watchdog = new Worker(
  `const { workerData } = require('node:worker_threads')
  setInterval(() => { if (process.ppid !== workerData.ppid) process.kill(process.pid, 'SIGKILL') }, 250)`,
  { eval: true, workerData: { ppid: process.ppid }, env: {} },
)
watchdog.unref()

// A host that died while this child started has closed the channel: then there is nobody to tell.
if (process.connected) process.send?.(/** @type {ChildReady} */ ({ ready: true }))
