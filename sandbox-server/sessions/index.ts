/**
 * Learner sessions: one app, one database, one cache, clock and log each, private to it.
 *
 * A session keeps its compiled code and a warm Sandbox. When a limit stops the sandbox, the
 * next request builds a new one from the same code, keeping the database, cache and clock.
 * With a `stateFile`, every session made from seed SQL (not a grading session, made from a
 * snapshot) is kept there as it changes (./saved.ts) and its database is a file, so a server
 * started again after a crash or a restart continues each one: its code compiles again on
 * its first request. An idle app gives back its isolate first, an idle session expires later,
 * and when the sessions together hold more than the memory budget the least recently used
 * go first. Callers must cope with a session vanishing (the browser re-creates it and
 * re-sends the code).
 */
import { createHash, randomBytes } from 'node:crypto'
import { EventEmitter } from 'node:events'
import { compileLearnerModule, type CompiledModule } from '../runtime/compile.ts'
import { createStackMapper, type StackMapper } from '../runtime/stack.ts'
import { Sandbox, type RemoteAddress, type SandboxLimits, type SandboxResponse } from '../runtime/sandbox.ts'
import type { TestResult } from '../runtime/test-result.ts'
import { LearnerModuleError, LimitExceeded, ServerBusy } from '../runtime/errors.ts'
import { createAdmission, type AdmissionOptions } from './admission.ts'
import { openSavedSessions, type SavedCacheEntry, type SavedSession, type SavedSessions } from './saved.ts'
import { capLogs, createActivityRate, requestActivity, type Activity, type ActivityRateOptions, type RequestActivity } from './activity.ts'
import type { DbPool } from '../capabilities/db/index.ts'
import {
  capabilityTable,
  createCache,
  createClock,
  createCrypto,
  createLogBuffer,
  loadCrypto,
  newSessionKeys,
  type LogEntry,
  type SessionCache,
  type CacheCopy,
  type SessionClock,
  type SessionCrypto,
  type LogBuffer,
} from '../capabilities/index.ts'

/**
 * A busy session whose isolate answered a heap check with a small heap at most this much of
 * its own time ago was running short turns, not growing its heap in one long run (a Map
 * grown until V8 dies takes 0.6 s of it on a quiet machine, more on a busy one).
 */
const CALM_WITHIN_MS = 250

/** Lines a timer writes within this long of each other go to the activity feed as one event. */
const BACKGROUND_LOG_BATCH_MS = 20

export class UnknownSession extends Error {
  override name = 'UnknownSession'
  constructor() {
    super('No such session: it expired after sitting idle or was deleted. Create a new one (your code is kept in your browser).')
  }
}

export class NoCodeLoaded extends Error {
  override name = 'NoCodeLoaded'
  constructor() {
    super('This session has no code yet: send your code first (PUT /api/sessions/<id>/code).')
  }
}

export interface Session {
  readonly id: string
  readonly exerciseId: string | undefined
  readonly createdAt: number
  lastUsedAt: number
  source: string | undefined
  codeHash: string | undefined
  readonly clock: SessionClock
  readonly cache: SessionCache
  readonly crypto: SessionCrypto
  readonly log: LogBuffer
  readonly dbId: string
  /** In a test-writing exercise, the app the learner's tests import as `./app`. */
  readonly appUnderTest: string | undefined
  /** What `env(c)` from hono/adapter answers: the exercise's environment. */
  readonly env: Readonly<Record<string, string>> | undefined
  /** Approximate bytes this session holds, refreshed by the sweeper. */
  memoryBytes: number
  /** Bytes held for it outside its isolate and cache (a kept grade's captured states), counted by the sweeper too. */
  heldBytes: number
}

/** A session's data at one moment (`capture`), to put it back there later (`restore`). */
export interface CapturedState {
  /** The database. */
  snapshot: Uint8Array
  /** What the session's clock read. */
  clockAt: number
  cache: CacheCopy
}

interface SessionState extends Session {
  /** This session's own turns (see admission.ts): 2 runs at once, 8 waiting. */
  admission: ReturnType<typeof createAdmission>
  /** Where a fresh database comes from: trusted seed SQL, or a database snapshot. */
  seed: { seedSql?: string; snapshot?: Uint8Array }
  compiled: (Pick<CompiledModule, 'code' | 'usesTests' | 'libraries'> & { mapStack: StackMapper }) | undefined
  sandbox: Promise<Sandbox> | undefined
  /** The last sandbox that finished building, to tell its state without waiting. */
  ready: Sandbox | undefined
  /** The reset in progress, so that concurrent resets run one after another. */
  resetting: Promise<void> | undefined
  /** Kept in the state file (see saved.ts). */
  saved: boolean
  /** The last-used time the state file has. */
  savedLastUsedAt: number
  /** Compiling code loaded from the state file, on the first request after a restart. */
  compiling: Promise<void> | undefined
  /** Its isolate's CPU time when `busySinceLastAsked` last looked. */
  cpuSeen: bigint
  /** Where its activity goes while someone watches it (see ./feed.ts); undefined: nobody does, and no event is built. */
  activity: ((event: Activity) => void) | undefined
  /** How many events it may cause (see ./activity.ts); made when it is first watched. */
  activityRate: ReturnType<typeof createActivityRate> | undefined
  /** Runs in progress (requests, calls, test runs, loading code): log lines written outside them are background lines. */
  running: number
  /** Background log lines are waiting to go to the feed as one event. */
  logsPending: boolean
}

/** A session the store removed by itself: idle past its time, or least recently used over the memory budget. */
export interface SessionRemoved {
  id: string
  reason: 'expired' | 'evicted'
}

/** What a session's app is doing: no isolate yet, one starting, one warm, or one a limit stopped. */
export type AppState = 'none' | 'starting' | 'running' | 'stopped'

export interface AppResponse extends SandboxResponse {
  logs: LogEntry[]
  droppedLogs: number
  durationMs: number
}

/** The caller a request has when none is given: this machine, as for curl on it. */
const LOCAL_CALLER: RemoteAddress = Object.freeze({ address: '127.0.0.1', family: 'IPv4' })

export interface AppRequest {
  method: string
  /** Path and query, starting with "/". */
  path: string
  headers?: [string, string][]
  body?: Uint8Array | null
  /** The origin the learner's app believes it serves, e.g. http://<id>.localhost:3000 */
  origin?: string
  /** Who sent it (getConnInfo, hono/ip-restriction). Default: 127.0.0.1, as for curl on this machine. */
  remote?: RemoteAddress
  /** Who sent it, as the request inspector says: the live URL, the request console, a check. */
  via?: RequestActivity['via']
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

export interface SessionStoreOptions {
  db: DbPool
  limits?: Partial<SandboxLimits>
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
  /** Runs at once across all sessions, and runs allowed to wait before a 503 (see admission.ts). */
  admission?: AdmissionOptions
  /**
   * The file sessions are kept in between runs of the server (see saved.ts); give the pool a
   * `dataDir` of its own too, so the databases outlive it. Without it, sessions live in
   * memory only and dispose() deletes them.
   */
  stateFile?: string
  /**
   * Load every kept session at start (the default, for one process). False: load none, and
   * take a kept session up on its first use instead (a worker process gets its sessions so,
   * from the supervisor, see ./workers/).
   */
  loadAll?: boolean
  /** How many activity events a watched session may cause (see ./activity.ts). */
  activityRate?: ActivityRateOptions
}

export function hashCode(source: string): string {
  return createHash('sha256').update(source).digest('hex').slice(0, 16)
}

/**
 * @example
 * const sessions = await createSessionStore({ db: createDbPool() })
 * const session = await sessions.create({ seedSql: 'CREATE TABLE notes (body TEXT)' })
 * await sessions.setCode(session.id, source)
 * const response = await sessions.request(session.id, { method: 'GET', path: '/notes' })
 */
export async function createSessionStore({
  db,
  limits,
  idleTtlMs = 30 * 60_000,
  idleAppMs = 2 * 60_000,
  memoryBudgetBytes = 1.5 * 1024 ** 3,
  sweepIntervalMs = 15_000,
  admission: admissionOptions,
  stateFile,
  loadAll = true,
  activityRate,
}: SessionStoreOptions) {
  await loadCrypto()
  const admission = createAdmission(admissionOptions)
  const sessions = new Map<string, SessionState>()
  const events = new EventEmitter<{ removed: [SessionRemoved] }>()
  const saved: SavedSessions | undefined = stateFile === undefined ? undefined : openSavedSessions(stateFile)

  /** A session's state in memory, new or as the state file kept it. */
  function build(kept: SavedSession, cacheEntries: SavedCacheEntry[], seed: SessionState['seed'], isSaved: boolean): SessionState {
    const { id } = kept
    const store = isSaved ? saved : undefined
    const clock = createClock({ offsetMs: kept.clockOffsetMs, onChange: store && ((offsetMs) => store.setClock(id, offsetMs)) })
    const session: SessionState = {
      id,
      exerciseId: kept.exerciseId,
      createdAt: kept.createdAt,
      lastUsedAt: kept.lastUsedAt,
      source: kept.source,
      codeHash: kept.source === undefined ? undefined : hashCode(kept.source),
      clock,
      cache: createCache({
        clock,
        saved: store && {
          entries: cacheEntries,
          set: (entry) => store.setCacheEntry(id, entry),
          delete: (key) => store.deleteCacheEntry(id, key),
          clear: () => store.clearCache(id),
        },
      }),
      crypto: createCrypto(kept.keys),
      log: createLogBuffer({ onWrite: () => backgroundLogWritten(session) }),
      dbId: id,
      appUnderTest: kept.appUnderTest,
      env: kept.env,
      memoryBytes: 0,
      heldBytes: 0,
      seed,
      admission: createAdmission({ concurrent: 2, queued: 8 }),
      compiled: undefined,
      sandbox: undefined,
      ready: undefined,
      resetting: undefined,
      saved: isSaved,
      savedLastUsedAt: kept.lastUsedAt,
      compiling: undefined,
      cpuSeen: 0n,
      activity: undefined,
      activityRate: undefined,
      running: 0,
      logsPending: false,
    }
    return session
  }

  /** Sends an event to the session's watchers, within its rate; nothing when nobody watches. */
  function record(session: SessionState, event: Activity) {
    if (!session.activity) return
    session.activityRate ??= createActivityRate(activityRate)
    const allowed = session.activityRate.take()
    if (!allowed.ok) return
    session.activity(allowed.skipped > 0 ? { ...event, skipped: allowed.skipped } : event)
  }

  /**
   * A line written while no run was in progress (a timer after its response): while the
   * session is watched it goes to the feed, with the lines written just after it; otherwise it
   * waits in the buffer and the next run drops it, as before.
   */
  function backgroundLogWritten(session: SessionState) {
    if (!session.activity || session.running > 0 || session.logsPending) return
    session.logsPending = true
    setTimeout(() => {
      session.logsPending = false
      if (session.running === 0) sendBackgroundLogs(session)
    }, BACKGROUND_LOG_BATCH_MS).unref()
  }

  function sendBackgroundLogs(session: SessionState) {
    if (!session.activity) return
    const { entries, dropped } = drainLearnerLogs(session)
    if (entries.length === 0 && dropped === 0) return
    record(session, { kind: 'logs', source: 'background', at: Date.now(), ...capLogs(entries, dropped) })
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

  function find(id: string): SessionState {
    const session = sessions.get(id)
    if (!session) throw new UnknownSession()
    session.lastUsedAt = Date.now()
    // Map order is recency order: the first entry is the least recently used.
    sessions.delete(id)
    sessions.set(id, session)
    return session
  }

  function dropSandbox(session: SessionState) {
    const pending = session.sandbox
    session.sandbox = undefined
    session.ready = undefined
    pending?.then(
      (sandbox) => sandbox.dispose(),
      () => {},
    )
  }

  /** The session's warm sandbox, or a new one when there is none or a limit stopped it. */
  async function sandboxFor(session: SessionState): Promise<Sandbox> {
    if (session.compiled === undefined && session.source !== undefined) {
      // Kept from before a restart: compiled once, by whichever request comes first.
      const source = session.source
      session.compiling ??= compile(source, session)
        .then((compiled) => void (session.source === source && (session.compiled ??= compiled)))
        .finally(() => (session.compiling = undefined))
      await session.compiling
    }
    if (session.compiled === undefined) throw new NoCodeLoaded()
    const current = session.sandbox && (await session.sandbox.catch(() => undefined))
    if (current && !current.disposed) return current
    if (current?.stopReason) {
      // Stopped between requests (a background timer): say why the app starts afresh, and
      // undo what it left half-done in its database.
      const undone = await db.abandon(session.dbId).catch(() => undefined)
      session.log.write({
        level: 'warn',
        message: `Your app was restarted: ${current.stopReason.message}${describeUndone(undone)}`,
        time: session.clock.now(),
      })
    }
    const compiled = session.compiled
    const building = (async () => {
      const sandbox = await Sandbox.create({
        capabilities: capabilityTable({ ...session, db }),
        limits,
        onUncaughtError: ({ source, message, stack }) =>
          session.log.write({ level: 'error', message: `Uncaught error in a ${source}: ${stack ?? message}`, time: session.clock.now() }),
      })
      try {
        await sandbox.load(compiled)
      } catch (error) {
        sandbox.dispose()
        throw error
      }
      return sandbox
    })()
    session.sandbox = building
    session.ready = undefined
    building.then(
      (sandbox) => void (session.sandbox === building && (session.ready = sandbox)),
      () => {},
    )
    building.catch(() => {
      if (session.sandbox === building) session.sandbox = undefined
    })
    return building
  }

  /** The session's log lines, with stack traces pointing into the learner's app.ts. */
  function drainLearnerLogs(session: SessionState) {
    const { entries, dropped } = session.log.drain()
    const mapStack = session.compiled?.mapStack
    return { entries: mapStack ? entries.map((entry) => ({ ...entry, message: mapStack(entry.message) })) : entries, dropped }
  }

  /**
   * Runs `work` on the session's warm sandbox. When a limit stops the run, the sandbox is
   * dropped (the next run builds a new one) and what the run left half-done in the database
   * is undone first: its statements still waiting are cancelled, an open transaction rolled
   * back. Errors come back with positions mapped to the learner's file.
   */
  async function runApp<T>(session: SessionState, work: (sandbox: Sandbox, session: SessionState) => Promise<T>): Promise<T> {
    // Turned away at the door (ServerBusy before any work): the sandbox is not involved. A
    // session's own turns come first, so one session's flood of cheap waits cannot hold every
    // server-wide turn.
    return session.admission.run(() => admission.run(() => runAdmitted(session, work)))
  }

  async function runAdmitted<T>(session: SessionState, work: (sandbox: Sandbox, session: SessionState) => Promise<T>): Promise<T> {
    // Lines a timer wrote since the last run: to the watchers if there are any, else dropped.
    if (session.running === 0) sendBackgroundLogs(session)
    session.log.drain()
    session.running++
    try {
      return await work(await sandboxFor(session), session)
    } catch (error) {
      let thrown = error
      if (error instanceof LimitExceeded) {
        dropSandbox(session)
        const note = describeUndone(await db.abandon(session.dbId).catch(() => undefined))
        // A new error: the sandbox hands the same one to every run it stopped.
        const stopped = error instanceof ServerBusy ? new ServerBusy() : new LimitExceeded(error.limit, error.message + note)
        stopped.logs = drainLearnerLogs(session).entries
        thrown = stopped
      }
      throw session.compiled ? readable(thrown, session.compiled.mapStack) : thrown
    } finally {
      session.running--
    }
  }

  /** Resets `session` to its seed (no state) or to a captured state; concurrent resets run one after another. */
  async function resetTo(session: SessionState, state: CapturedState | undefined) {
    const previous = session.resetting ?? Promise.resolve()
    const resetting = previous.then(async () => {
      dropSandbox(session)
      await db.close(session.dbId)
      await db.open(session.dbId, state ? { snapshot: state.snapshot } : session.seed)
      if (state) {
        session.cache.restore(state.cache)
        session.clock.setTo(state.clockAt)
      } else {
        session.cache.clear()
        session.clock.reset()
      }
      session.log.drain()
    })
    // The next reset waits for this one, whether it worked or not.
    session.resetting = resetting.catch(() => {})
    await resetting
  }

  async function destroy(session: SessionState) {
    sessions.delete(session.id)
    dropSandbox(session)
    session.cache.clear()
    if (session.saved) saved?.remove(session.id)
    await db.close(session.dbId).catch(() => {})
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

  return {
    /** The database pool, for inspecting a session's tables (by its dbId). */
    database: db,

    /**
     * Creates a session with its own database, from trusted seed SQL or a snapshot when given.
     * With `appUnderTest`, the session's code is a file of tests for that app (see compile.ts).
     */
    async create({ exerciseId, seedSql, snapshot, appUnderTest, env, activityOf }: SessionOptions = {}): Promise<Session> {
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
    },

    get(id: string): Session {
      return find(id)
    },

    /**
     * Sends the session's activity (requests, background and load log lines) to `sink` while
     * it is given; undefined stops it. A session that does not exist here is left alone.
     */
    watch(id: string, sink: ((event: Activity) => void) | undefined): void {
      const session = sessions.get(id)
      if (session) session.activity = sink
    },

    /**
     * Makes sure a kept session is in memory, taking it up from the state file if it is not
     * (see `loadAll`); throws UnknownSession when it is not kept either.
     */
    async adopt(id: string): Promise<void> {
      if (sessions.has(id)) return
      let pending = takingUp.get(id)
      if (!pending) {
        const kept = saved?.loadOne(id)
        pending = (kept ? takeUp(kept.session, kept.cache) : Promise.resolve(undefined)).finally(() => takingUp.delete(id))
        takingUp.set(id, pending)
      }
      if (!(await pending)) throw new UnknownSession()
    },

    appState(id: string): AppState {
      const session = find(id)
      if (!session.sandbox) return 'none'
      if (session.ready === undefined) return 'starting'
      return session.ready.disposed ? 'stopped' : 'running'
    },

    /** Compiles and loads new code; throws CompileError or LearnerModuleError and keeps the old code then. */
    async setCode(id: string, source: string): Promise<{ codeHash: string; logs: LogEntry[] }> {
      const session = find(id)
      const compiled = await compile(source, session)
      const previous = { compiled: session.compiled, sandbox: session.sandbox, ready: session.ready }
      session.compiled = compiled
      session.sandbox = undefined
      // Loading runs the module's top level: its lines are the load's, not background ones.
      if (session.running === 0) sendBackgroundLogs(session)
      session.running++
      try {
        await sandboxFor(session)
      } catch (error) {
        session.compiled = previous.compiled
        session.sandbox = previous.sandbox
        session.ready = previous.ready
        const failed = readable(error, compiled.mapStack)
        const { entries, dropped } = drainLearnerLogs(session)
        record(session, { kind: 'logs', source: 'load', at: Date.now(), ...capLogs(entries, dropped), error: (failed as Error).message })
        throw failed
      } finally {
        session.running--
      }
      previous.sandbox?.then(
        (sandbox) => sandbox.dispose(),
        () => {},
      )
      session.source = source
      session.codeHash = hashCode(source)
      if (session.saved) saved?.setCode(session.id, source)
      const { entries, dropped } = drainLearnerLogs(session)
      record(session, { kind: 'logs', source: 'load', at: Date.now(), ...capLogs(entries, dropped) })
      return { codeHash: session.codeHash, logs: entries }
    },

    /** Sends one request through the session's app, with its logs and timing. */
    async request(
      id: string,
      { method, path, headers = [], body = null, origin = 'http://app.localhost', remote = LOCAL_CALLER, via }: AppRequest,
    ): Promise<AppResponse> {
      const started = performance.now()
      const session = find(id)
      try {
        const response = await runApp(session, async (sandbox) => {
          const response = await sandbox.handle({
            method: method.toUpperCase(),
            url: new URL(path, origin).href,
            headers,
            body,
            clockOffsetMs: session.clock.offsetMs,
            remote,
          })
          const { entries, dropped } = drainLearnerLogs(session)
          return { ...response, logs: entries, droppedLogs: dropped + response.droppedLogs, durationMs: performance.now() - started }
        })
        if (session.activity) record(session, requestActivity({ via, method, path, headers, body, durationMs: response.durationMs, response }))
        return response
      } catch (error) {
        if (session.activity) {
          const { message, logs } = error as Error & { logs?: LogEntry[] }
          record(session, requestActivity({ via, method, path, headers, body, durationMs: performance.now() - started, error: { message, logs } }))
        }
        throw error
      }
    },

    /** Calls a function the session's module exports, e.g. "notes.create"; returns its copied result and logs. */
    async call(id: string, path: string, args: unknown[]): Promise<{ value: unknown; logs: LogEntry[] }> {
      return runApp(find(id), async (sandbox, session) => {
        const value = await sandbox.call(path, args, session.clock.offsetMs)
        return { value, logs: drainLearnerLogs(session).entries }
      })
    },

    /** Runs the tests the session's code wrote with `sandbox/test`; their failure positions point into app.test.ts. */
    async runTests(id: string): Promise<{ tests: TestResult[]; logs: LogEntry[] }> {
      return runApp(find(id), async (sandbox, session) => {
        const results = await sandbox.runTests(session.clock.offsetMs)
        const mapStack = session.compiled!.mapStack
        const tests = results.map(({ at, message, ...result }) => ({
          ...result,
          ...(at === undefined ? {} : { at: mapStack(at) }),
          ...(message === undefined ? {} : { message: mapStack(message) }),
        }))
        return { tests, logs: drainLearnerLogs(session).entries }
      })
    },

    /** Back to a fresh database, empty cache and log, real time; the code stays. Concurrent resets run one after another. */
    async reset(id: string) {
      await resetTo(find(id), undefined)
    },

    /** The session's database, clock and cache as they are now, for `restore`. */
    async capture(id: string): Promise<CapturedState> {
      const session = find(id)
      return { snapshot: await db.snapshot(session.dbId), clockAt: session.clock.now(), cache: session.cache.copy() }
    },

    /**
     * Back to a captured state: that database and cache, the clock reading what it read then
     * (behind real time if need be), and a new isolate running the same code (what the old one
     * held in its variables is gone). Runs after any reset in progress, as resets do.
     */
    async restore(id: string, state: CapturedState) {
      await resetTo(find(id), state)
    },

    async delete(id: string) {
      await destroy(find(id))
    },

    /**
     * Lets go of a kept session without deleting it: its isolate is dropped and its state
     * written, so that another process can take it up (a worker being recycled).
     */
    async release(id: string) {
      const session = sessions.get(id)
      if (!session) return
      dropSandbox(session)
      saveLastUse()
      sessions.delete(id)
      saved?.flush()
    },

    /**
     * The sessions whose isolates ran since the last call (a request or a background timer),
     * with the CPU ms each used and whether it was calm (found idle with a small heap within
     * CALM_WITHIN_MS of its own time), so a worker can say who was busy when a crash came (see
     * ./workers/supervisor.ts). Each busy isolate is asked for its heap, answered when idle.
     */
    busySinceLastAsked(): [id: string, cpuMs: number, calm: boolean][] {
      const busy: [string, number, boolean][] = []
      for (const session of sessions.values()) {
        const cpu = session.ready?.cpuTimeNs ?? 0n
        if (cpu > session.cpuSeen) {
          busy.push([session.id, Number(cpu - session.cpuSeen) / 1e6, session.ready!.calmWithin(CALM_WITHIN_MS)])
          session.ready!.checkHeapWhenIdle()
        }
        session.cpuSeen = cpu
      }
      return busy
    },

    /** Runs the idle and memory sweep now (the timer runs it every sweepIntervalMs). */
    sweep,

    /** `removed`: a session the sweep expired or evicted (for the server's log and metrics). */
    events: events as Pick<EventEmitter<{ removed: [SessionRemoved] }>, 'on' | 'off'>,

    get size() {
      return sessions.size
    },

    /** Runs in progress and waiting for a turn (see admission.ts). */
    get runs() {
      return admission.depth
    },

    /** Stops every app. Kept sessions stay in the state file for the next start; the others are deleted. */
    async dispose() {
      clearInterval(sweeper)
      saveLastUse()
      for (const session of [...sessions.values()]) {
        if (session.saved) dropSandbox(session)
        else await destroy(session)
      }
      sessions.clear()
      saved?.close()
    },
  }
}

export type SessionStore = Awaited<ReturnType<typeof createSessionStore>>

async function compile(source: string, { appUnderTest, env }: Pick<Session, 'appUnderTest' | 'env'>): Promise<NonNullable<SessionState['compiled']>> {
  const { map, ...compiled } = await compileLearnerModule(source, { appUnderTest, env })
  return { ...compiled, mapStack: createStackMapper(map) }
}

/** What `db.abandon` undid, as a sentence to add to a limit's message ('' when nothing). */
function describeUndone(undone: { cancelled: number; rolledBack: boolean } | undefined): string {
  if (!undone || (undone.cancelled === 0 && !undone.rolledBack)) return ''
  const parts = [
    ...(undone.rolledBack ? ['its open db.transaction was rolled back'] : []),
    ...(undone.cancelled > 0 ? [`${undone.cancelled} database ${undone.cancelled === 1 ? 'call' : 'calls'} still waiting never ran`] : []),
  ]
  return ` (${parts.join(', and ')}.)`
}

/** A learner's app error with its position mapped to app.ts. */
function readable(error: unknown, mapStack: StackMapper): unknown {
  return error instanceof LearnerModuleError ? new LearnerModuleError(mapStack(error.message)) : error
}
