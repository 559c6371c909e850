/**
 * The shared session store for several replicas behind a load balancer (`SESSION_STORE=redis://...`,
 * see deploy/haproxy.cfg and "Running for a whole school" in the README): any replica can
 * rebuild any session from Redis, and only one replica's writes count at a time.
 *
 * Each replica keeps working copies in its own DATA_DIR (the state file and database files the
 * single server uses, answered by the same service, in worker processes or not). Around that
 * service this module
 * - **takes a session up** the first time its id reaches this replica: it takes the session's
 *   lease (a new fencing token, from INCR), writes the session's state and database from Redis
 *   into the working copies, and hands the session to the service (`adopt`);
 * - **ships it back** after every call that may change it and before that call is answered:
 *   the session's row (code, clock, keys, exercise), its cache entries and its database
 *   (better-sqlite3 `serialize()` of the file, skipped when unchanged), in one Lua script that
 *   writes only if this replica's token is still the session's. An acknowledged write is in
 *   Redis. Cache changes reach the state file in batches (saved.ts, 100 ms), so a second ship
 *   follows each one by SHIP_AGAIN_MS: a replica killed in between loses at most the cache
 *   changes of that window; the database, code and clock lose nothing;
 * - **lets go** when a ship finds another token: the router moved the session (a replica came
 *   back or went away) and the other replica took it up, so this one deletes its working copy,
 *   takes the session up again from Redis and runs the call once more on what Redis holds.
 *   What the call did on the stale copy is gone with it and was never answered.
 *
 * The lease is taken, not waited for: the router sends a session to one replica, so the one
 * receiving it is the one that should hold it, and the token (not the lease's expiry, which a
 * paused process cannot see) is what keeps an older holder's writes out. Keys expire after the
 * sessions' idle time, as sessions do. Session ids never appear in logs (sessionTag).
 */
import { rmSync, statSync, writeFileSync } from 'node:fs'
import { createHash } from 'node:crypto'
import { hostname } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { Redis, type Result } from 'ioredis'
import { databaseKey } from '../capabilities/db/index.ts'
import { createLogger, sessionTag, type Logger, type ReadinessCheck } from '../observability/index.ts'
import { ServerBusy } from '../runtime/errors.ts'
import { UnknownSession } from './index.ts'
import { openSavedSessions, type SavedCacheEntry, type SavedSession } from './saved.ts'
import type { SessionService } from './service.ts'

/** The second ship after a change, once the state file's cache batch (100 ms) is written. */
const SHIP_AGAIN_MS = 250

declare module 'ioredis' {
  interface RedisCommander<Context> {
    takeLease(lease: string, counter: string, state: string, replica: string, ttlMs: number, mustExist: 0 | 1): Result<number, Context>
    shipFenced(lease: string, counter: string, state: string, holder: string, ttlMs: number, ...fields: (string | Buffer)[]): Result<number, Context>
    deleteFenced(lease: string, counter: string, state: string, holder: string): Result<number, Context>
  }
}

/** KEYS: lease, token counter, state. A new token for this replica; 0 when the session is not in Redis (and must be). */
const TAKE_LEASE = `
if ARGV[3] == '1' and redis.call('EXISTS', KEYS[3]) == 0 then return 0 end
local token = redis.call('INCR', KEYS[2])
redis.call('PEXPIRE', KEYS[2], ARGV[2])
redis.call('SET', KEYS[1], token .. ':' .. ARGV[1], 'PX', ARGV[2])
return token`

/** Writes the fields only while the lease is still this holder's (token and replica); 0 otherwise. */
const SHIP_FENCED = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
if #ARGV > 2 then redis.call('HSET', KEYS[3], unpack(ARGV, 3)) end
for i = 1, 3 do redis.call('PEXPIRE', KEYS[i], ARGV[2]) end
return 1`

const DELETE_FENCED = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('DEL', KEYS[1], KEYS[2], KEYS[3])
return 1`

export interface SharedSessionsOptions {
  /** redis://host:port/db */
  url: string
  /** The replica's own DATA_DIR, where `service` keeps its working copies. */
  dataDir: string
  /** The service answering calls on this replica (workers or in process); it must `adopt`. */
  service: SessionService
  /** This replica's name in leases. Default: host name and pid. */
  replica?: string
  /** Sessions unused this long expire from Redis too. Default 30 minutes. */
  idleTtlMs?: number
  logger?: Logger
}

/** The service of a replica, with a readiness check of its own: Redis answers. */
export type SharedSessions = SessionService & { readonly storeCheck: ReadinessCheck }

/** How long /health/ready waits for Redis to answer a PING. */
const STORE_CHECK_TIMEOUT_MS = 1000

/** What this replica holds of a session: its lease, and what it last shipped. */
interface Held {
  /** The lease's value while it is ours: `<token>:<replica>`. */
  holder: string
  shipped: { session?: string; cache?: string; db?: string }
  /** Ships run one after another, each reading the copies when its turn comes. */
  shipping: Promise<unknown>
  again: NodeJS.Timeout | undefined
  /** A connection to the database file kept open to tell cheaply whether it changed (see readChangedDatabase). */
  reader: DatabaseReader | undefined
}

/** An open connection to a session's database file: which file (inode), and the last change it has seen. */
interface DatabaseReader {
  db: Database.Database
  inode: number
  dataVersion: number | undefined
}

/**
 * Deletes a replica's working copies: with a shared store, Redis has every session, and what
 * an earlier run left here may be older than it.
 */
export function clearWorkingCopies(dataDir: string): void {
  for (const name of ['sessions.sqlite', 'sessions.sqlite-wal', 'sessions.sqlite-shm', 'databases']) {
    rmSync(join(dataDir, name), { recursive: true, force: true })
  }
}

/**
 * The session service of one replica among several, sharing sessions through Redis.
 *
 * @example
 * clearWorkingCopies(dataDir)
 * const service = await createWorkerSessions({ dataDir })
 * const sessions = await sharedSessions({ url: 'redis://127.0.0.1:6379', dataDir, service })
 */
export async function sharedSessions({
  url,
  dataDir,
  service,
  replica = `${hostname()}:${process.pid}`,
  idleTtlMs = 30 * 60_000,
  logger = createLogger(),
}: SharedSessionsOptions): Promise<SharedSessions> {
  if (!service.adopt) throw new Error('a shared session store needs a session service that can adopt sessions')
  const adopt = service.adopt.bind(service)
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 2 })
  redis.defineCommand('takeLease', { numberOfKeys: 3, lua: TAKE_LEASE })
  redis.defineCommand('shipFenced', { numberOfKeys: 3, lua: SHIP_FENCED })
  redis.defineCommand('deleteFenced', { numberOfKeys: 3, lua: DELETE_FENCED })
  // ioredis reconnects by itself; while it cannot, /health/ready says so (storeCheck) and the log
  // says it every 10 s at most.
  let quietUntil = 0
  redis.on('error', (error: Error) => {
    if (Date.now() < quietUntil) return
    quietUntil = Date.now() + 10_000
    logger.warn({ event: 'session_store_unreachable', message: error.message })
  })
  await redis.connect()
  const stateFile = join(dataDir, 'sessions.sqlite')
  const saved = openSavedSessions(stateFile)
  const held = new Map<string, Held>()
  const takingUp = new Map<string, Promise<Held>>()
  /** Working copies being dropped (letGo), by session id. */
  const lettingGo = new Map<string, Promise<void>>()
  // A session the service expired or evicted here is no longer held here.
  service.events.on('removed', ({ id }) => forgetHeld(id))

  const keysOf = (id: string) => [`sandbox:{${id}}:lease`, `sandbox:{${id}}:token`, `sandbox:{${id}}:state`] as const
  const databaseFile = (id: string) => join(dataDir, 'databases', `${databaseKey(id)}.sqlite`)

  function forgetHeld(id: string) {
    const entry = held.get(id)
    clearTimeout(entry?.again)
    entry?.reader?.db.close()
    held.delete(id)
  }

  /** This replica's hold on a session, taking it up from Redis when it has none. */
  async function hold(id: string): Promise<Held> {
    // A working copy still being dropped is not taken up again until it is gone.
    await lettingGo.get(id)
    const current = held.get(id)
    if (current) return current
    let pending = takingUp.get(id)
    if (!pending) {
      pending = takeUp(id).finally(() => takingUp.delete(id))
      takingUp.set(id, pending)
    }
    return pending
  }

  async function takeUp(id: string): Promise<Held> {
    const token = await redis.takeLease(...keysOf(id), replica, idleTtlMs, 1)
    if (token === 0) throw new UnknownSession()
    const stored = await redis.hgetallBuffer(keysOf(id)[2])
    if (!stored.session) throw new UnknownSession()
    const session = JSON.parse(stored.session.toString(), reviveBytes) as SavedSession
    const cache = JSON.parse(stored.cache?.toString() ?? '[]', reviveBytes) as SavedCacheEntry[]
    // The working copies: the row and cache entries the service takes the session up from, and the database file.
    saved.add(session)
    saved.clearCache(id)
    for (const entry of cache) saved.setCacheEntry(id, entry)
    saved.flush()
    const file = databaseFile(id)
    for (const suffix of ['-wal', '-shm']) rmSync(file + suffix, { force: true })
    if (stored.db) writeFileSync(file, stored.db, { mode: 0o600 })
    await adopt(id)
    const entry: Held = {
      holder: `${token}:${replica}`,
      shipped: { session: digest(stored.session), cache: digest(stored.cache ?? '[]'), db: stored.db && digest(stored.db) },
      shipping: Promise.resolve(),
      again: undefined,
      reader: undefined,
    }
    held.set(id, entry)
    logger.info({ event: 'session_taken_up', session: sessionTag(id), token })
    return entry
  }

  /** Writes what changed of the session to Redis under its lease; false when the lease is no longer ours. */
  function ship(id: string, entry: Held): Promise<boolean> {
    const turn = entry.shipping.then(async () => {
      if (held.get(id) !== entry) return false
      const kept = saved.loadOne(id)
      if (!kept) return false
      const fields: (string | Buffer)[] = []
      const session = JSON.stringify(kept.session, replaceBytes)
      const cache = JSON.stringify(kept.cache, replaceBytes)
      const db = readChangedDatabase(databaseFile(id), entry)
      const next = { session: digest(session), cache: digest(cache), db: db ? digest(db) : entry.shipped.db }
      if (next.session !== entry.shipped.session) fields.push('session', session)
      if (next.cache !== entry.shipped.cache) fields.push('cache', cache)
      if (db && next.db !== entry.shipped.db) fields.push('db', db)
      const ok = (await redis.shipFenced(...keysOf(id), entry.holder, idleTtlMs, ...fields)) === 1
      if (ok) entry.shipped = next
      return ok
    })
    entry.shipping = turn.catch(() => {})
    return turn
  }

  /**
   * The session moved to another replica: this one's working copy is dropped (Redis has the
   * session). Everyone who finds the lease gone waits for the same drop: the second ship after
   * a change and a call can both find it, and a call that took the session up again while the
   * other's drop was deleting the working copy lost its database file (seen in a fresh clone).
   */
  function letGo(id: string, entry: Held): Promise<void> {
    const going = lettingGo.get(id)
    if (going) return going
    if (held.get(id) !== entry) return Promise.resolve()
    forgetHeld(id)
    logger.info({ event: 'session_moved_away', session: sessionTag(id) })
    const dropped = service
      .delete(id)
      .catch(() => {})
      .finally(() => lettingGo.delete(id))
    lettingGo.set(id, dropped)
    return dropped
  }

  /**
   * Runs a call on the session here and, when it may change the session, ships the session
   * before answering. A call whose ship finds the session taken over ran on a stale copy: the
   * session is taken up again and the call runs once more.
   */
  async function onSession<T>(id: string, call: () => Promise<T>, { changes }: { changes: boolean }): Promise<T> {
    for (let attempt = 0; attempt < 2; attempt++) {
      const entry = await hold(id)
      if (!changes) {
        // Reads check the lease first (a stale copy must not answer them).
        if ((await redis.get(keysOf(id)[0])) === entry.holder) return call()
        await letGo(id, entry)
        continue
      }
      let outcome: { value: T } | { error: unknown }
      try {
        outcome = { value: await call() }
      } catch (error) {
        // A call that failed (a limit, a learner's error) may have written before it did.
        outcome = { error }
      }
      if (!(await ship(id, entry))) {
        await letGo(id, entry)
        continue
      }
      clearTimeout(entry.again)
      entry.again = setTimeout(() => {
        ship(id, entry).then(
          (ok) => void (ok || letGo(id, entry)),
          (error) => logger.warn({ event: 'session_ship_failed', session: sessionTag(id), message: (error as Error).message }),
        )
      }, SHIP_AGAIN_MS).unref()
      if ('error' in outcome) throw outcome.error
      return outcome.value
    }
    // Moved twice during one call: the router is changing its mind; the client tries again.
    throw new ServerBusy()
  }
  const changing = <T>(id: string, call: () => Promise<T>) => onSession(id, call, { changes: true })
  const reading = <T>(id: string, call: () => Promise<T>) => onSession(id, call, { changes: false })

  return {
    storeCheck: {
      name: 'session store',
      // A replica that cannot reach Redis can take no session up and keep no write: not ready.
      async run() {
        let timer: NodeJS.Timeout | undefined
        const late = new Promise<string>((resolve) => {
          timer = setTimeout(() => resolve(`Redis did not answer within ${STORE_CHECK_TIMEOUT_MS} ms`), STORE_CHECK_TIMEOUT_MS)
        })
        const answer = redis.ping().then(
          () => undefined,
          (error: Error) => `Redis failed: ${error.message}`,
        )
        return Promise.race([answer, late]).finally(() => clearTimeout(timer))
      },
    },
    async create(options) {
      const info = await service.create(options)
      const token = await redis.takeLease(...keysOf(info.id), replica, idleTtlMs, 0)
      const entry: Held = { holder: `${token}:${replica}`, shipped: {}, shipping: Promise.resolve(), again: undefined, reader: undefined }
      held.set(info.id, entry)
      if (!(await ship(info.id, entry))) throw new ServerBusy()
      logger.info({ event: 'session_taken_up', session: sessionTag(info.id), token })
      return info
    },
    get: (id) => service.get(id),
    hold: (id) => reading(id, async () => {}),
    setCode: (id, source) => changing(id, () => service.setCode(id, source)),
    request: (id, request) => changing(id, () => service.request(id, request)),
    reset: (id) => changing(id, () => service.reset(id)),
    async delete(id) {
      // Under the current token too: a replica with a stale one takes the session up again first.
      for (let attempt = 0; attempt < 2; attempt++) {
        const entry = await hold(id)
        if ((await redis.deleteFenced(...keysOf(id), entry.holder)) === 1) {
          forgetHeld(id)
          await service.delete(id)
          return
        }
        await letGo(id, entry)
      }
      throw new ServerBusy()
    },
    tables: (id) => reading(id, () => service.tables(id)),
    rows: (id, table, page) => reading(id, () => service.rows(id, table, page)),
    advanceClock: (id, ms) => changing(id, () => service.advanceClock(id, ms)),
    readClock: (id) => reading(id, () => service.readClock(id)),
    resetClock: (id) => changing(id, () => service.resetClock(id)),
    grade: (id, options) => reading(id, () => service.grade(id, options)),
    runLearnerTests: (id) => reading(id, () => service.runLearnerTests(id)),
    // A kept grade lives on the replica that graded, which the hash on the learner's id picks
    // again; its own live URL (/s/<grade session>/) hashes elsewhere (see README).
    replayCheck: (id, check) => reading(id, () => service.replayCheck(id, check)),
    restoreCheck: (id, check) => reading(id, () => service.restoreCheck(id, check)),
    activity: service.activity,
    get size() {
      return service.size
    },
    get runs() {
      return service.runs
    },
    stats: () => service.stats(),
    ...(service.workers ? { workers: () => service.workers!() } : {}),
    events: service.events,
    async dispose() {
      for (const id of [...held.keys()]) forgetHeld(id)
      await service.dispose()
      saved.close()
      redis.disconnect()
    },
  }
}

/**
 * The database file's bytes (a consistent copy, committed transactions only) when they changed
 * since the last call for this session, else undefined. A connection stays open per session:
 * its `data_version` moves when another connection commits, which costs far less than a copy.
 * A file replaced since (a reset makes a new one) gets a new connection.
 */
function readChangedDatabase(file: string, entry: Held): Buffer | undefined {
  let inode: number
  try {
    inode = statSync(file).ino
  } catch {
    return undefined
  }
  if (entry.reader?.inode !== inode) {
    entry.reader?.db.close()
    entry.reader = { db: new Database(file, { fileMustExist: true, timeout: 5000 }), inode, dataVersion: undefined }
  }
  const reader = entry.reader
  const version = reader.db.pragma('data_version', { simple: true }) as number
  if (version === reader.dataVersion) return undefined
  reader.dataVersion = version
  return reader.db.serialize()
}

function digest(data: string | Buffer): string {
  return createHash('sha1').update(data).digest('base64')
}

/** JSON for the saved row and cache: bytes as base64, an expiry of Infinity as null. */
function replaceBytes(this: Record<string, unknown>, key: string, value: unknown): unknown {
  const raw = this[key]
  if (raw instanceof Uint8Array) return { bytes: Buffer.from(raw).toString('base64') }
  if (key === 'expiresAt' && raw === Infinity) return null
  return value
}

function reviveBytes(key: string, value: unknown): unknown {
  if (value && typeof value === 'object' && 'bytes' in value && typeof value.bytes === 'string')
    return new Uint8Array(Buffer.from(value.bytes, 'base64'))
  if (key === 'expiresAt' && value === null) return Infinity
  return value
}
