/**
 * Where sessions are kept between runs of the server: one SQLite file (WAL, synchronous=NORMAL)
 * beside the database files, holding each session's exercise, code, seed, clock offset, keys
 * and cache entries. Each change is written when it happens (cache changes within 100 ms, the
 * last-used times in batches), so `npm start` after a crash or a restart continues every
 * session as it was.
 *
 * Writes are synchronous on the server's thread: each is one small row (tens of microseconds
 * in WAL mode without fsync), cheaper than a round trip to another process. The file holds
 * session ids, which are bearer capabilities: it is created readable by its owner only.
 */
import { chmodSync } from 'node:fs'
import Database from 'better-sqlite3'

export interface SavedSession {
  id: string
  exerciseId: string | undefined
  createdAt: number
  lastUsedAt: number
  /** The learner's code as sent (compiled again on the first request after a restart). */
  source: string | undefined
  appUnderTest: string | undefined
  /** What `env(c)` from hono/adapter answers in this session: its exercise's environment. */
  env: Record<string, string> | undefined
  /** Trusted SQL the database is created from, again on every reset. */
  seedSql: string | undefined
  clockOffsetMs: number
  /** The session's secret keys (see capabilities/crypto). */
  keys: Uint8Array
}

export interface SavedCacheEntry {
  key: string
  /** The value as the cache holds it (V8's serialization format). */
  stored: Uint8Array
  /** On the session's clock; Infinity for no expiry. */
  expiresAt: number
}

export interface SavedSessions {
  /** Every saved session, oldest use first, with its cache entries. */
  load(): { session: SavedSession; cache: SavedCacheEntry[] }[]
  /** One saved session with its cache entries, or undefined. */
  loadOne(id: string): { session: SavedSession; cache: SavedCacheEntry[] } | undefined
  add(session: SavedSession): void
  setCode(id: string, source: string): void
  setClock(id: string, offsetMs: number): void
  /** Writes many last-used times in one transaction. */
  touch(times: Iterable<[id: string, lastUsedAt: number]>): void
  setCacheEntry(id: string, entry: SavedCacheEntry): void
  deleteCacheEntry(id: string, key: string): void
  clearCache(id: string): void
  remove(id: string): void
  /** Writes what waits in a batch now (before another process takes a session up). */
  flush(): void
  close(): void
}

/** How long cache changes wait to be written together (a crash may lose that much of them). */
const CACHE_FLUSH_MS = 100

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS sessions (
    id TEXT PRIMARY KEY,
    exercise_id TEXT,
    created_at INTEGER NOT NULL,
    last_used_at INTEGER NOT NULL,
    source TEXT,
    app_under_test TEXT,
    seed_sql TEXT,
    clock_offset_ms INTEGER NOT NULL DEFAULT 0,
    keys BLOB NOT NULL,
    env TEXT
  );
  CREATE TABLE IF NOT EXISTS cache_entries (
    session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    key TEXT NOT NULL,
    stored BLOB NOT NULL,
    expires_at REAL NOT NULL,
    PRIMARY KEY (session_id, key)
  );`

/**
 * @example
 * const saved = openSavedSessions('data/sessions.sqlite')
 * for (const { session, cache } of saved.load()) restore(session, cache)
 * saved.setCode(id, source)
 */
export function openSavedSessions(file: string): SavedSessions {
  // Worker processes share the file, each writing its own sessions' rows: wait for a lock rather than fail.
  const db = new Database(file, { timeout: 5000 })
  chmodSync(file, 0o600)
  db.pragma('journal_mode = WAL')
  db.pragma('synchronous = NORMAL')
  db.pragma('foreign_keys = ON')
  db.exec(SCHEMA)
  // A file made before sessions kept an environment gains the column (empty for its sessions).
  const columns = db.prepare('PRAGMA table_info(sessions)').all() as { name: string }[]
  if (!columns.some((column) => column.name === 'env')) db.exec('ALTER TABLE sessions ADD COLUMN env TEXT')

  const statements = {
    add: db.prepare(
      `INSERT OR REPLACE INTO sessions (id, exercise_id, created_at, last_used_at, source, app_under_test, seed_sql, clock_offset_ms, keys, env)
       VALUES (:id, :exerciseId, :createdAt, :lastUsedAt, :source, :appUnderTest, :seedSql, :clockOffsetMs, :keys, :env)`,
    ),
    setCode: db.prepare('UPDATE sessions SET source = ? WHERE id = ?'),
    setClock: db.prepare('UPDATE sessions SET clock_offset_ms = ? WHERE id = ?'),
    touch: db.prepare('UPDATE sessions SET last_used_at = ? WHERE id = ?'),
    setCacheEntry: db.prepare('INSERT OR REPLACE INTO cache_entries (session_id, key, stored, expires_at) VALUES (?, ?, ?, ?)'),
    deleteCacheEntry: db.prepare('DELETE FROM cache_entries WHERE session_id = ? AND key = ?'),
    clearCache: db.prepare('DELETE FROM cache_entries WHERE session_id = ?'),
    remove: db.prepare('DELETE FROM sessions WHERE id = ?'),
    sessions: db.prepare('SELECT * FROM sessions ORDER BY last_used_at'),
    session: db.prepare('SELECT * FROM sessions WHERE id = ?'),
    cache: db.prepare('SELECT key, stored, expires_at FROM cache_entries WHERE session_id = ? ORDER BY rowid'),
  }
  // After close() (the server is stopping) a late write from a run being stopped is dropped.
  const write =
    <A extends unknown[]>(action: (...args: A) => void) =>
    (...args: A): void => {
      if (db.open) action(...args)
    }
  const touchAll = db.transaction((times: Iterable<[string, number]>) => {
    for (const [id, lastUsedAt] of times) statements.touch.run(lastUsedAt, id)
  })

  // Cache changes are written in batches, every CACHE_FLUSH_MS in one transaction, the last
  // change of each key only: a learner's app that sets the same key in a loop, or floods the
  // cache with values it evicts at once, costs the file at most its 1 MB cache a batch.
  const pendingCache = new Map<string, Map<string, SavedCacheEntry | null>>()
  let flushTimer: NodeJS.Timeout | undefined
  const flushCache = db.transaction(() => {
    for (const [id, changes] of pendingCache) {
      for (const [key, entry] of changes) {
        if (entry) statements.setCacheEntry.run(id, key, Buffer.from(entry.stored), entry.expiresAt)
        else statements.deleteCacheEntry.run(id, key)
      }
    }
    pendingCache.clear()
  })
  const flush = () => {
    clearTimeout(flushTimer)
    flushTimer = undefined
    if (db.open && pendingCache.size > 0) flushCache()
  }
  const changeCache = (id: string, key: string, entry: SavedCacheEntry | null) => {
    let changes = pendingCache.get(id)
    if (!changes) pendingCache.set(id, (changes = new Map()))
    changes.set(key, entry)
    flushTimer ??= setTimeout(flush, CACHE_FLUSH_MS).unref()
  }

  const fromRow = (row: SessionRow) => ({
    session: {
      id: row.id,
      exerciseId: row.exercise_id ?? undefined,
      createdAt: row.created_at,
      lastUsedAt: row.last_used_at,
      source: row.source ?? undefined,
      appUnderTest: row.app_under_test ?? undefined,
      env: row.env === null ? undefined : (JSON.parse(row.env) as Record<string, string>),
      seedSql: row.seed_sql ?? undefined,
      clockOffsetMs: row.clock_offset_ms,
      keys: new Uint8Array(row.keys),
    },
    cache: (statements.cache.all(row.id) as CacheRow[]).map((entry) => ({
      key: entry.key,
      stored: new Uint8Array(entry.stored),
      expiresAt: entry.expires_at,
    })),
  })

  return {
    load() {
      flush()
      return (statements.sessions.all() as SessionRow[]).map(fromRow)
    },
    loadOne(id) {
      flush()
      const row = statements.session.get(id) as SessionRow | undefined
      return row && fromRow(row)
    },
    add: write((session: SavedSession) => {
      statements.add.run({
        ...session,
        exerciseId: session.exerciseId ?? null,
        source: session.source ?? null,
        appUnderTest: session.appUnderTest ?? null,
        env: session.env === undefined ? null : JSON.stringify(session.env),
        seedSql: session.seedSql ?? null,
        keys: Buffer.from(session.keys),
      })
    }),
    setCode: write((id: string, source: string) => void statements.setCode.run(source, id)),
    setClock: write((id: string, offsetMs: number) => void statements.setClock.run(offsetMs, id)),
    touch: write((times: Iterable<[string, number]>) => touchAll(times)),
    setCacheEntry: write((id: string, entry: SavedCacheEntry) => changeCache(id, entry.key, entry)),
    deleteCacheEntry: write((id: string, key: string) => changeCache(id, key, null)),
    clearCache: write((id: string) => {
      pendingCache.delete(id)
      statements.clearCache.run(id)
    }),
    remove: write((id: string) => {
      pendingCache.delete(id)
      statements.remove.run(id)
    }),
    flush,
    close() {
      flush()
      db.close()
    },
  }
}

interface SessionRow {
  id: string
  exercise_id: string | null
  created_at: number
  last_used_at: number
  source: string | null
  app_under_test: string | null
  env: string | null
  seed_sql: string | null
  clock_offset_ms: number
  keys: Buffer
}

interface CacheRow {
  key: string
  stored: Buffer
  expires_at: number
}
