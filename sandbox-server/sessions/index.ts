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
 *
 * This file wires the store's parts and is its public surface: the sessions held (./registry.ts),
 * each one's app from code to isolate (./app-lifecycle.ts), the runs of that app (./runs.ts),
 * and its log lines and activity events (./logs.ts), over one session's state (./session.ts).
 */
import type { SandboxLimits } from '../runtime/sandbox.ts'
import type { AdmissionOptions } from './admission.ts'
import { openSavedSessions } from './saved.ts'
import type { Activity, ActivityRateOptions } from './activity.ts'
import type { DbPool } from '../capabilities/db/index.ts'
import { loadCrypto } from '../capabilities/index.ts'
import { createSessionLogs } from './logs.ts'
import { createAppLifecycle, type AppState, type CapturedState } from './app-lifecycle.ts'
import { createRuns, type AppRequest } from './runs.ts'
import { createSessionRegistry, type SessionOptions, type SessionRetention } from './registry.ts'
import type { Session } from './session.ts'

export { hashCode, type Session } from './session.ts'
export { NoCodeLoaded, type AppState, type CapturedState } from './app-lifecycle.ts'
export { UnknownSession, type SessionOptions, type SessionRemoved, type SessionRetention } from './registry.ts'
export type { AppRequest, AppResponse } from './runs.ts'

export interface SessionStoreOptions extends SessionRetention {
  db: DbPool
  limits?: Partial<SandboxLimits>
  /** Runs at once across all sessions, and runs allowed to wait before a 503 (see admission.ts). */
  admission?: AdmissionOptions
  /**
   * The file sessions are kept in between runs of the server (see saved.ts); give the pool a
   * `dataDir` of its own too, so the databases outlive it. Without it, sessions live in
   * memory only and dispose() deletes them.
   */
  stateFile?: string
  /** How many activity events a watched session may cause (see ./activity.ts). */
  activityRate?: ActivityRateOptions
}

/**
 * @example
 * const sessions = await createSessionStore({ db: createDbPool() })
 * const session = await sessions.create({ seedSql: 'CREATE TABLE notes (body TEXT)' })
 * await sessions.setCode(session.id, source)
 * const response = await sessions.request(session.id, { method: 'GET', path: '/notes' })
 */
export async function createSessionStore({ db, limits, admission, stateFile, activityRate, ...retention }: SessionStoreOptions) {
  await loadCrypto()
  const saved = stateFile === undefined ? undefined : openSavedSessions(stateFile)
  const logs = createSessionLogs({ activityRate })
  const apps = createAppLifecycle({ db, limits, saved, logs })
  const runs = createRuns({ admission, apps, logs })
  const registry = await createSessionRegistry({ db, saved, onLogWritten: logs.backgroundLogWritten, dropSandbox: apps.dropSandbox, ...retention })
  const { find } = registry

  return {
    /** The database pool, for inspecting a session's tables (by its dbId). */
    database: db,

    /**
     * Creates a session with its own database, from trusted seed SQL or a snapshot when given.
     * With `appUnderTest`, the session's code is a file of tests for that app (see compile.ts).
     */
    async create(options?: SessionOptions): Promise<Session> {
      return registry.create(options)
    },

    get(id: string): Session {
      return find(id)
    },

    /**
     * Sends the session's activity (requests, background and load log lines) to `sink` while
     * it is given; undefined stops it. A session that does not exist here is left alone.
     */
    watch(id: string, sink: ((event: Activity) => void) | undefined): void {
      registry.watch(id, sink)
    },

    /**
     * Makes sure a kept session is in memory, taking it up from the state file if it is not
     * (see `loadAll`); throws UnknownSession when it is not kept either.
     */
    async adopt(id: string): Promise<void> {
      return registry.adopt(id)
    },

    appState(id: string): AppState {
      return apps.appState(find(id))
    },

    /** Compiles and loads new code; throws CompileError or LearnerModuleError and keeps the old code then. */
    async setCode(id: string, source: string) {
      return apps.setCode(find(id), source)
    },

    /** Sends one request through the session's app, with its logs and timing. */
    async request(id: string, request: AppRequest) {
      return runs.request(find(id), request)
    },

    /** Calls a function the session's module exports, e.g. "notes.create"; returns its copied result and logs. */
    async call(id: string, path: string, args: unknown[]) {
      return runs.call(find(id), path, args)
    },

    /** Runs the tests the session's code wrote with `sandbox/test`; their failure positions point into app.test.ts. */
    async runTests(id: string) {
      return runs.runTests(find(id))
    },

    /** Back to a fresh database, empty cache and log, real time; the code stays. Concurrent resets run one after another. */
    async reset(id: string) {
      await apps.resetTo(find(id), undefined)
    },

    /** The session's database, clock and cache as they are now, for `restore`. */
    async capture(id: string) {
      return apps.capture(find(id))
    },

    /**
     * Back to a captured state: that database and cache, the clock reading what it read then
     * (behind real time if need be), and a new isolate running the same code (what the old one
     * held in its variables is gone). Runs after any reset in progress, as resets do.
     */
    async restore(id: string, state: CapturedState) {
      await apps.resetTo(find(id), state)
    },

    async delete(id: string) {
      await registry.destroy(find(id))
    },

    /**
     * Lets go of a kept session without deleting it: its isolate is dropped and its state
     * written, so that another process can take it up (a worker being recycled).
     */
    async release(id: string) {
      registry.release(id)
    },

    /**
     * The sessions whose isolates ran since the last call (a request or a background timer),
     * with the CPU ms each used and whether it was calm (found idle with a small heap just
     * before), so a worker can say who was busy when a crash came (see
     * ./workers/supervisor.ts). Each busy isolate is asked for its heap, answered when idle.
     */
    busySinceLastAsked() {
      return runs.busySinceLastAsked(registry.all())
    },

    /** Runs the idle and memory sweep now (the timer runs it every sweepIntervalMs). */
    sweep: registry.sweep,

    /** `removed`: a session the sweep expired or evicted (for the server's log and metrics). */
    events: registry.events as Pick<typeof registry.events, 'on' | 'off'>,

    get size() {
      return registry.size
    },

    /** Runs in progress and waiting for a turn (see admission.ts). */
    get runs() {
      return runs.depth
    },

    /** Stops every app. Kept sessions stay in the state file for the next start; the others are deleted. */
    async dispose() {
      await registry.dispose()
      saved?.close()
    },
  }
}

export type SessionStore = Awaited<ReturnType<typeof createSessionStore>>
