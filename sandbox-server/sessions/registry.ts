/**
 * The sessions this process holds: made new, taken up from the state file (all at start, or
 * each on its first use), found by id (unknown: `UnknownSession`), deleted, or let go of for
 * another process. The map's order is recency order, so the sweep that runs every
 * `sweepIntervalMs` drops idle apps' isolates, expires idle sessions, and, over the memory
 * budget, takes back the least recently used isolates and then whole sessions.
 */
import { randomBytes } from 'node:crypto'
import { EventEmitter } from 'node:events'
import { newSessionKeys } from '../capabilities/index.ts'
import type { DbPool } from '../capabilities/db/index.ts'
import type { Activity } from './activity.ts'
import type { SavedCacheEntry, SavedSession, SavedSessions } from './saved.ts'
import { buildSession, type Session, type SessionState } from './session.ts'

export class UnknownSession extends Error {
  override name = 'UnknownSession'
  constructor() {
    super('No such session: it expired after sitting idle or was deleted. Create a new one (your code is kept in your browser).')
  }
}

/** A session the store removed by itself: idle past its time, or least recently used over the memory budget. */
export interface SessionRemoved {
  id: string
  reason: 'expired' | 'evicted'
}

export interface SessionOptions {
  exerciseId?: string
  seedSql?: string
  snapshot?: Uint8Array
  appUnderTest?: string
  /** The exercise's environment, for `env(c)` from hono/adapter. */
  env?: Record<string, string>
  /** A grading session: its requests show in this session's activity while that is watched. */
  activityOf?: string
}

/** When idle apps and sessions go, and when kept sessions are taken up. */
export interface SessionRetention {
  /** Sessions unused for this long are removed. Default 30 minutes. */
  idleTtlMs?: number
  /**
   * An app unused for this long gives back its isolate (~3 MB); its next request builds a new
   * one (~10 ms) with the same database, cache and clock. Default 2 minutes.
   */
  idleAppMs?: number
  /** The memory all sessions may hold together before the least recently used go. Default 1.5 GiB. */
  memoryBudgetBytes?: number
  /** How often idle and over-budget sessions are swept. Default 15 s. */
  sweepIntervalMs?: number
  /**
   * Load every kept session at start (the default, for one process). False: load none, and
   * take a kept session up on its first use instead (a worker process gets its sessions so,
   * from the supervisor, see ./workers/).
   */
  loadAll?: boolean
}

export interface SessionRegistryOptions extends SessionRetention {
  db: DbPool
  /** The state file (see saved.ts), or undefined: sessions live in memory only. */
  saved: SavedSessions | undefined
  /** A line was written to a session's log (see ./logs.ts). */
  onLogWritten(session: SessionState): void
  /** Lets go of a session's isolate (see ./app-lifecycle.ts). */
  dropSandbox(session: SessionState): void
}

/**
 * @example
 * const registry = await createSessionRegistry({ db, saved, onLogWritten, dropSandbox })
 * const session = await registry.create({ seedSql: 'CREATE TABLE notes (body TEXT)' })
 * registry.find(session.id) // the same session, now the most recently used
 */
export async function createSessionRegistry({
  db,
  saved,
  loadAll = true,
  idleTtlMs = 30 * 60_000,
  idleAppMs = 2 * 60_000,
  memoryBudgetBytes = 1.5 * 1024 ** 3,
  sweepIntervalMs = 15_000,
  onLogWritten,
  dropSandbox,
}: SessionRegistryOptions) {
  const sessions = new Map<string, SessionState>()
  const events = new EventEmitter<{ removed: [SessionRemoved] }>()

  /** A session's state in memory, new or as the state file kept it. */
  function build(kept: SavedSession, cacheEntries: SavedCacheEntry[], seed: SessionState['seed'], isSaved: boolean): SessionState {
    return buildSession(kept, cacheEntries, seed, { saved: isSaved ? saved : undefined, onLogWritten })
  }

  /** Takes up a session kept from an earlier run: its database is a file the pool opens again. */
  async function takeUp(kept: SavedSession, cache: SavedCacheEntry[]): Promise<SessionState> {
    const session = build(kept, cache, { seedSql: kept.seedSql }, true)
    try {
      await db.reopen(session.dbId)
    } catch {
      // Its file is gone (deleted by hand, or the crash came mid-create): start it afresh.
      await db.open(session.dbId, session.seed)
    }
    sessions.set(session.id, session)
    return session
  }
  if (saved && loadAll) {
    for (const { session, cache } of saved.load()) await takeUp(session, cache)
    // Databases no kept session owns (a grade the crash cut short) are deleted.
    await db.removeOthers()
  }
  /** Sessions being taken up on first use (loadAll false), so that two requests share one. */
  const takingUp = new Map<string, Promise<SessionState | undefined>>()

  /** The session, now the most recently used; throws UnknownSession. */
  function find(id: string): SessionState {
    const session = sessions.get(id)
    if (!session) throw new UnknownSession()
    session.lastUsedAt = Date.now()
    // Map order is recency order: the first entry is the least recently used.
    sessions.delete(id)
    sessions.set(id, session)
    return session
  }

  /**
   * Creates a session with its own database, from trusted seed SQL or a snapshot when given.
   * With `appUnderTest`, the session's code is a file of tests for that app (see compile.ts).
   */
  async function create({ exerciseId, seedSql, snapshot, appUnderTest, env, activityOf }: SessionOptions = {}): Promise<Session> {
    const now = Date.now()
    const kept: SavedSession = {
      id: randomBytes(16).toString('hex'),
      exerciseId,
      createdAt: now,
      lastUsedAt: now,
      source: undefined,
      appUnderTest,
      env,
      seedSql,
      clockOffsetMs: 0,
      keys: newSessionKeys(),
    }
    // A grading session (made from a snapshot) lives only as long as its grade.
    const isSaved = saved !== undefined && snapshot === undefined
    const session = build(kept, [], snapshot ? { snapshot } : { seedSql }, isSaved)
    await db.open(session.dbId, session.seed)
    if (isSaved) saved!.add(kept)
    sessions.set(session.id, session)
    // Its requests go to the learner's watchers, if there are any now (a grade is short).
    const watched = activityOf === undefined ? undefined : sessions.get(activityOf)
    if (watched?.activity) {
      session.activity = (event) => void (event.kind === 'request' && watched.activity?.(event))
      session.activityRate = watched.activityRate
    }
    return session
  }

  /**
   * Sends the session's activity (requests, background and load log lines) to `sink` while
   * it is given; undefined stops it. A session that does not exist here is left alone.
   */
  function watch(id: string, sink: ((event: Activity) => void) | undefined): void {
    const session = sessions.get(id)
    if (session) session.activity = sink
  }

  /**
   * Makes sure a kept session is in memory, taking it up from the state file if it is not
   * (see `loadAll`); throws UnknownSession when it is not kept either.
   */
  async function adopt(id: string): Promise<void> {
    if (sessions.has(id)) return
    let pending = takingUp.get(id)
    if (!pending) {
      const kept = saved?.loadOne(id)
      pending = (kept ? takeUp(kept.session, kept.cache) : Promise.resolve(undefined)).finally(() => takingUp.delete(id))
      takingUp.set(id, pending)
    }
    if (!(await pending)) throw new UnknownSession()
  }

  async function destroy(session: SessionState) {
    sessions.delete(session.id)
    dropSandbox(session)
    session.cache.clear()
    if (session.saved) saved?.remove(session.id)
    await db.close(session.dbId).catch(() => {})
  }

  /**
   * Lets go of a kept session without deleting it: its isolate is dropped and its state
   * written, so that another process can take it up (a worker being recycled).
   */
  function release(id: string) {
    const session = sessions.get(id)
    if (!session) return
    dropSandbox(session)
    saveLastUse()
    sessions.delete(id)
    saved?.flush()
  }

  /** Writes the last-used times that changed (in one transaction: the sweep does it). */
  function saveLastUse() {
    const changed = [...sessions.values()].filter((session) => session.saved && session.lastUsedAt !== session.savedLastUsedAt)
    saved?.touch(changed.map((session) => [session.id, session.lastUsedAt]))
    for (const session of changed) session.savedLastUsedAt = session.lastUsedAt
  }

  async function sweep() {
    saveLastUse()
    const now = Date.now()
    for (const session of [...sessions.values()]) {
      const idleMs = now - session.lastUsedAt
      if (idleMs >= idleTtlMs) {
        await destroy(session)
        events.emit('removed', { id: session.id, reason: 'expired' })
      } else if (idleMs >= idleAppMs && session.sandbox) dropSandbox(session)
    }
    let total = 0
    for (const session of sessions.values()) {
      const sandbox = session.sandbox && (await session.sandbox.catch(() => undefined))
      // The database is a file: it takes disk, not memory (its page cache is bounded per connection).
      session.memoryBytes = ((await sandbox?.heapBytes()) ?? 0) + session.cache.sizeBytes() + session.heldBytes
      total += session.memoryBytes
    }
    // Over the budget: the least recently used idle apps give back their isolates first (their
    // next request builds one again in ~10 ms, with the same data); whole sessions are evicted
    // only when that is not enough.
    for (const session of sessions.values()) {
      if (total <= memoryBudgetBytes) break
      if (!session.sandbox || session.admission.depth.running > 0) continue
      const heap = session.memoryBytes - session.cache.sizeBytes() - session.heldBytes
      dropSandbox(session)
      session.memoryBytes -= heap
      total -= heap
    }
    for (const session of [...sessions.values()]) {
      if (total <= memoryBudgetBytes) break
      total -= session.memoryBytes
      await destroy(session)
      events.emit('removed', { id: session.id, reason: 'evicted' })
    }
  }
  let sweeping = false
  const sweeper = setInterval(() => {
    if (sweeping) return
    sweeping = true
    sweep().finally(() => (sweeping = false))
  }, sweepIntervalMs)
  sweeper.unref()

  /** Stops the sweep and lets go of every session: kept ones stay in the state file, the others are deleted. */
  async function dispose() {
    clearInterval(sweeper)
    saveLastUse()
    for (const session of [...sessions.values()]) {
      if (session.saved) dropSandbox(session)
      else await destroy(session)
    }
    sessions.clear()
  }

  return {
    find,
    create,
    watch,
    adopt,
    destroy,
    release,
    sweep,
    dispose,
    events,
    /** Every session held, least recently used first. */
    all: () => sessions.values(),
    get size() {
      return sessions.size
    },
  }
}
