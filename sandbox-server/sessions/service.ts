/**
 * What the HTTP layer may ask of sessions: one narrow, asynchronous interface whose arguments
 * and results are plain data, so that it can be answered in this process (`localSessions`) or
 * by worker processes that hold the isolates (`./workers/`). Nothing here hands out a pool, a
 * clock or a cache object: a session is its id, and `get` returns a description of it.
 */
import type { EventEmitter } from 'node:events'
import type { DbStats, RowsPage, TableInfo } from '../capabilities/db/index.ts'
import type { LogEntry } from '../capabilities/index.ts'
import type { TestResult } from '../runtime/test-result.ts'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { loadExercise, type Exercise } from '../exercises/index.ts'
import { typeCheckInWorker } from '../content/source-checks.ts'
import { learnerLanguage } from '../runtime/compile.ts'
import { gradeSubmission, runLearnerTests, type CheckReplay, type SubmissionResult } from '../grading/index.ts'
import { createKeptGrades } from '../grading/kept-grades.ts'
import { NoCodeLoaded, type AppRequest, type AppResponse, type SessionRemoved, type SessionStore } from './index.ts'
import { createActivityFeed, type ActivityFeed, type ActivityFeedOptions } from './feed.ts'

/** A session as the API describes it. The object stays the same while the session lives. */
export interface SessionInfo {
  readonly id: string
  readonly exerciseId: string | undefined
  readonly appUnderTest: string | undefined
  readonly createdAt: number
  /** The learner's code, once some compiled and loaded. */
  readonly source: string | undefined
  readonly codeHash: string | undefined
}

export interface CreateSessionOptions {
  exerciseId?: string
  seedSql?: string
  appUnderTest?: string
  /** The exercise's environment, for `env(c)` from hono/adapter. */
  env?: Record<string, string>
}

export interface SessionService {
  create(options: CreateSessionOptions): Promise<SessionInfo>
  /** Throws UnknownSession. */
  get(id: string): SessionInfo
  /**
   * Takes up a session this process's state file keeps but that it does not hold yet (a replica
   * taking a session over from the shared store writes it there first, see ./store-redis.ts).
   * Throws UnknownSession when the file does not keep it either.
   */
  adopt?(id: string): Promise<void>
  /**
   * With a shared store (./store-redis.ts): makes sure this replica holds the session, taking
   * it up from the store when it does not, so that `get` knows it. Throws UnknownSession.
   */
  hold?(id: string): Promise<void>
  /** Compiles and loads new code; throws CompileError or LearnerModuleError and keeps the old code then. */
  setCode(id: string, source: string): Promise<{ codeHash: string; logs: LogEntry[] }>
  /** One request through the session's app. A LimitExceeded carries the run's log lines in `logs`. */
  request(id: string, request: AppRequest): Promise<AppResponse>
  reset(id: string): Promise<void>
  delete(id: string): Promise<void>
  tables(id: string): Promise<TableInfo[]>
  rows(id: string, table: string, page: { limit: number; offset: number }): Promise<RowsPage>
  advanceClock(id: string, ms: number): Promise<{ now: number; offsetMs: number }>
  /** The session's clock as its app sees it, without moving it. */
  readClock(id: string): Promise<{ now: number; offsetMs: number }>
  /** Back to real time (the database and cache stay, unlike `reset`). */
  resetClock(id: string): Promise<{ now: number; offsetMs: number }>
  /**
   * Grades the session's code against its exercise, in fresh sessions made for the grade. With
   * `typecheck`, tsc's errors in the code come back too, at its lines; they never change the grade.
   */
  grade(id: string, options: { appUrl: string; signal?: AbortSignal; typecheck?: boolean; keep?: boolean }): Promise<GradeResult>
  /**
   * Does a failed check of the session's latest kept grade again, in that grade's kept session,
   * from where the check began (see grading/replay.ts). Throws NoKeptGrade when there is none.
   */
  replayCheck(id: string, check: string): Promise<CheckReplay>
  /** Puts the kept grade's session back where a failed check began, without its steps. Throws NoKeptGrade. */
  restoreCheck(id: string, check: string): Promise<{ gradeSessionId: string; clockAt: number; expiresAt: number }>
  /** Runs the learner's own tests (a test-writing exercise) against the app under test, on fresh data. */
  runLearnerTests(id: string): Promise<{ tests: TestResult[]; logs: LogEntry[] }>
  readonly size: number
  /** Runs in progress and waiting for a turn. */
  readonly runs: { running: number; waiting: number }
  /** The SQLite children (all of them, in every process). */
  stats(): DbStats
  /** Worker processes alive and died so far; absent when sessions run in this process. */
  workers?(): { alive: number; deaths: number; recycled: number }
  /** `removed`: a session the sweep expired or evicted. */
  readonly events: Pick<EventEmitter<{ removed: [SessionRemoved] }>, 'on' | 'off'>
  /** What each watched session's app does, as it happens: the request inspector's feed (./feed.ts). */
  readonly activity: Omit<ActivityFeed, 'publish'>
  dispose(): Promise<void>
}

/** The feed's limits, for a service that makes one. */
export type ActivityFeedLimits = Omit<ActivityFeedOptions, 'onWatchChange'>

/** A grade as the service answers it. */
export type GradeResult = SubmissionResult & {
  typeErrors?: CodeTypeError[]
  /** With `keep`, when a check did not pass: the grade's session, kept for replays until `expiresAt`. */
  kept?: { sessionId: string; expiresAt: number }
}

/** One type error tsc found in the learner's code. */
export interface CodeTypeError {
  line: number
  column: number
  message: string
}

/** Type checks asked for through the API run one at a time per process, each for at most this long. */
const TYPE_CHECK_TIMEOUT_MS = 20_000
let typeCheckTurn: Promise<unknown> = Promise.resolve()

/**
 * tsc's errors in `code` (strict, as the editor checks it), at its own lines; one that takes
 * too long ends as a single error saying so. One at a time, so a client asking for many cannot
 * take every core from the learners' apps.
 */
function typeErrorsIn(code: string, exercise: Exercise): Promise<CodeTypeError[]> {
  const turn = typeCheckTurn.then(async () => {
    const folder = await mkdtemp(join(tmpdir(), 'sandbox-typecheck-'))
    try {
      // A file with JSX is TSX, as the compiler reads it.
      const extension = (await learnerLanguage(code)) === 'tsx' ? 'tsx' : 'ts'
      const file = join(folder, exercise.appUnderTest === undefined ? `app.${extension}` : `app.test.${extension}`)
      await writeFile(file, code)
      const appFile = exercise.appUnderTest === undefined ? undefined : join(exercise.dir, 'app.ts')
      const problems = await typeCheckInWorker([file], { appFile }, TYPE_CHECK_TIMEOUT_MS)
      return problems.map(({ line, column, message }) => ({ line, column, message }))
    } catch (error) {
      return [{ line: 1, column: 1, message: `the type check did not finish: ${(error as Error).message}` }]
    } finally {
      await rm(folder, { recursive: true, force: true })
    }
  })
  typeCheckTurn = turn.catch(() => {})
  return turn
}

/**
 * The service answered in this process, by a session store. A grade asked to `keep` is kept
 * `keepGradeMs` for replays (grading/kept-grades.ts).
 *
 * @example
 * const sessions = localSessions(await createSessionStore({ db: createDbPool() }))
 * const { id } = await sessions.create({})
 */
export function localSessions(
  store: SessionStore,
  { keepGradeMs, ...feedLimits }: ActivityFeedLimits & { keepGradeMs?: number } = {},
): SessionService {
  const activity = createActivityFeed({
    ...feedLimits,
    onWatchChange: (id, watched) => store.watch(id, watched ? (event) => activity.publish(id, event) : undefined),
  })
  store.events.on('removed', ({ id }) => activity.end(id))
  const keptGrades = createKeptGrades({ store, keepMs: keepGradeMs })
  return {
    create: (options) => store.create(options),
    get: (id) => store.get(id),
    adopt: (id) => store.adopt(id),
    setCode: (id, source) => store.setCode(id, source),
    request: (id, request) => store.request(id, request),
    reset: (id) => store.reset(id),
    async delete(id) {
      keptGrades.release(id)
      await store.delete(id)
      activity.end(id)
    },
    tables: async (id) => store.database.tables(store.get(id).dbId),
    rows: async (id, table, page) => store.database.rows(store.get(id).dbId, table, page),
    async advanceClock(id, ms) {
      const { clock } = store.get(id)
      clock.advance(ms)
      return { now: clock.now(), offsetMs: clock.offsetMs }
    },
    async readClock(id) {
      const { clock } = store.get(id)
      return { now: clock.now(), offsetMs: clock.offsetMs }
    },
    async resetClock(id) {
      const { clock } = store.get(id)
      clock.reset()
      return { now: clock.now(), offsetMs: clock.offsetMs }
    },
    async grade(id, { appUrl, signal, typecheck, keep }) {
      const session = store.get(id)
      if (session.source === undefined || session.exerciseId === undefined) throw new NoCodeLoaded()
      const exercise = await loadExercise(session.exerciseId)
      // A new grade lets the last one go, even when this one passes and keeps nothing.
      if (keep) keptGrades.release(id)
      let kept: GradeResult['kept']
      const [result, typeErrors] = await Promise.all([
        gradeSubmission({
          exercise,
          code: session.source,
          sessions: store,
          appUrl,
          signal,
          activityOf: id,
          keep: keep ? (recording) => void (kept = keptGrades.keep(id, recording)) : undefined,
        }),
        typecheck ? typeErrorsIn(session.source, exercise) : undefined,
      ])
      return { ...result, ...(typeErrors ? { typeErrors } : {}), ...(kept ? { kept } : {}) }
    },
    replayCheck: (id, check) => keptGrades.replay(store.get(id).id, check),
    restoreCheck: (id, check) => keptGrades.restore(store.get(id).id, check),
    async runLearnerTests(id) {
      const session = store.get(id)
      if (session.source === undefined || session.exerciseId === undefined) throw new NoCodeLoaded()
      return runLearnerTests({ exercise: await loadExercise(session.exerciseId), code: session.source, sessions: store })
    },
    get size() {
      return store.size
    },
    get runs() {
      return store.runs
    },
    stats: () => store.database.stats(),
    events: store.events,
    activity,
    dispose() {
      keptGrades.dispose()
      return store.dispose()
    },
  }
}
