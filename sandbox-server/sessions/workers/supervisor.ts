/**
 * The worker supervisor: answers the session service (../service.ts) for the HTTP process by
 * calling worker processes (./worker.ts) that hold the isolates, so that no learner program
 * can end the process serving HTTP, the site and the API.
 *
 * - **Placement.** A session sticks to one worker while that worker lives; a session with no
 *   worker (new, kept from before a restart, or whose worker died) goes to the live worker with
 *   the fewest sessions, which takes it up from the state file and its database file.
 * - **A crash contained.** When a worker dies, its sessions lose only their warm isolates. Who
 *   caused it is judged by ./crash-blame.ts (the suspects, the cause, its pause): the cause is
 *   told so ("your app ran out of memory" when V8 said so, else how the process ended), on its
 *   call in flight or on its next one. Calls in flight that are safe to repeat (GET
 *   and HEAD requests, loading code, reading the database, grades) are sent once more, to
 *   another worker; the others (a POST may have written already) answer 503, saying so. A
 *   worker that stops answering for 5 s is killed and handled the same way. A warm spare takes
 *   the dead worker's place at once, and a new spare starts behind it.
 * - **Recycled.** A worker whose memory (PSS, watched by ./memory-watch.ts) grows past a threshold is drained: a started
 *   worker takes its place, it lets go of each session as its calls end (written to the state
 *   file, taken up elsewhere on its next call), then stops.
 * - **Owned here:** the description of every session (for `get`, which is synchronous), the
 *   expiry of sessions no worker holds, and the sum of the workers' figures for /metrics.
 */
import { fork, type ChildProcess } from 'node:child_process'
import { EventEmitter } from 'node:events'
import { availableParallelism } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { removeDatabasesExcept, type DbStats } from '../../capabilities/db/index.ts'
import { DEFAULT_LIMITS, type SandboxLimits } from '../../runtime/sandbox.ts'
import { buildBundles } from '../../runtime/prelude/build.ts'
import { createLogger, type Logger } from '../../observability/index.ts'
import { addPhaseSource, sumPhaseTimes, type Phase, type PhaseTotal } from '../../observability/phase-timings.ts'
import type { AdmissionOptions } from '../admission.ts'
import { UnknownSession, type SessionRemoved } from '../index.ts'
import { openSavedSessions, type SavedSession } from '../saved.ts'
import type { ActivityFeedLimits, GradeResult, SessionInfo, SessionService } from '../service.ts'
import { createActivityFeed } from '../feed.ts'
import type { Activity, ActivityRateOptions } from '../activity.ts'
import { RUNS_LEARNER_CODE, createCrashBlame, unblamed, type BlameRecord } from './crash-blame.ts'
import { watchMemory } from './memory-watch.ts'
import {
  errorFromWire,
  fromWire,
  toWire,
  type WorkerCall,
  type WorkerConfig,
  type WorkerInit,
  type WorkerMessage,
  type WorkerMethod,
} from './protocol.ts'

const WORKER_SCRIPT = fileURLToPath(new URL('./worker.ts', import.meta.url))
/** A worker that dies this many times in a row before it is ready is restarted only after a pause. */
const MAX_START_FAILURES = 3
/** A worker silent this long (it reports every 500 ms) is hung: it is killed and replaced. */
const HUNG_AFTER_MS = 5000
/** Calls that may run again after their worker died mid-way without doing anything twice. */
const SAFE_TO_REPEAT = new Set<WorkerMethod | 'crash' | 'release'>([
  'setCode',
  'tables',
  'rows',
  'readClock',
  'resetClock',
  'grade',
  'runLearnerTests',
  'reset',
  'delete',
  'watch',
  'crash',
])
const STDERR_TAIL_BYTES = 4096

export interface WorkerSessionsOptions {
  /** Sessions are kept in `<dataDir>/sessions.sqlite`, their databases in `<dataDir>/databases/`. */
  dataDir: string
  /** Worker processes; default one per core. */
  workers?: number
  /** Keep one more worker started and idle, to replace a dead one at once. Default true. */
  spare?: boolean
  /** SQLite child processes per worker. Default 2. */
  dbProcesses?: number
  limits?: Partial<SandboxLimits>
  idleTtlMs?: number
  /** How long a grade asked to `keep` is kept for replays; default 10 minutes (grading/kept-grades.ts). */
  keepGradeMs?: number
  /** For all workers together; each gets its share. */
  memoryBudgetBytes?: number
  /** Per worker (see ../admission.ts). */
  admission?: AdmissionOptions
  sweepIntervalMs?: number
  logger?: Logger
  /** Workers accept a call that aborts them (tests of crash containment only). */
  testHooks?: boolean
  /** A worker whose PSS (its own process) grows past this is recycled; default 1.5 GiB, undefined never. */
  recycleAboveBytes?: number
  /** The request inspector's feed limits (see ../feed.ts). */
  activityFeed?: ActivityFeedLimits
  /** How many activity events a watched session may cause (see ../activity.ts). */
  activityRate?: ActivityRateOptions
}

interface Job {
  method: WorkerMethod | 'crash' | 'release'
  sessionId: string | undefined
  args: unknown[]
  /** Sent again once already, after a worker died under it. */
  retried: boolean
  /** For create: the worker chosen for the new session (it stays there). */
  worker?: Worker
  /** Where it was last sent (create keeps the session there). */
  sentTo?: Worker
  /** When it was last sent (performance.now()). */
  sentAt?: number
  resolve(value: unknown): void
  reject(error: Error): void
}

interface Worker {
  readonly child: ChildProcess
  readonly ready: Promise<void>
  readonly calls: Map<number, Job>
  alive: boolean
  started: boolean
  /** Sessions placed here. */
  sessions: number
  stats: DbStats
  runs: SessionService['runs']
  stderrTail: string
  /** Its last report of busy sessions: when (performance.now()), and each one's CPU ms. */
  busy: { at: number; sessions: [id: string, cpuMs: number, calm: boolean][] } | undefined
  /** When it last said anything. */
  lastHeard: number
  /** Killed for not answering. */
  hung: boolean
  /** Killed for holding more memory than the ceiling (see ./memory-watch.ts). */
  overMemory: boolean
  /** Being recycled: it takes no new sessions, lets go of its own as their calls end, then stops. */
  draining: boolean
  /** Its bench phase totals (BENCH_TIMINGS=1 only). */
  phases?: Record<Phase, PhaseTotal>
}

/** A session as the supervisor knows it; what it remembers for blaming it is in ./crash-blame.ts. */
interface Entry extends BlameRecord {
  info: { -readonly [K in keyof SessionInfo]: SessionInfo[K] }
  worker: Worker | undefined
  lastUsedAt: number
  /** Its recycled worker is letting go of it: placed anew only once that is done. */
  releasing: Promise<void> | undefined
}

export { WorkerCrashed } from './crash-blame.ts'

/**
 * Starts the workers and resolves once one can take calls.
 *
 * @example
 * const sessions = await createWorkerSessions({ dataDir: 'data', workers: 2 })
 * const { id } = await sessions.create({})
 * await sessions.dispose()
 */
/** The service, with what the tests of crash containment need. */
export type WorkerSessions = SessionService & {
  /** The pid of the worker holding a session now, if any. */
  workerOf(id: string): number | undefined
  /** Tests only (with `testHooks`): aborts the worker holding this session, as a V8 crash would. */
  crashWorker(id: string): Promise<void>
  /** Recycles the worker holding this session now, as its memory growing past the threshold would. */
  recycleWorkerOf(id: string): void
}

export async function createWorkerSessions({
  dataDir,
  workers: workerCount = availableParallelism(),
  spare: keepSpare = true,
  dbProcesses = 2,
  limits,
  idleTtlMs = 30 * 60_000,
  keepGradeMs,
  memoryBudgetBytes = 1.5 * 1024 ** 3,
  admission,
  sweepIntervalMs = 15_000,
  logger = createLogger(),
  testHooks = false,
  recycleAboveBytes = 1.5 * 1024 ** 3,
  activityFeed,
  activityRate,
}: WorkerSessionsOptions): Promise<WorkerSessions> {
  const count = Math.max(1, Math.floor(workerCount))
  const config: WorkerConfig = {
    databases: join(dataDir, 'databases'),
    stateFile: join(dataDir, 'sessions.sqlite'),
    dbProcesses,
    limits,
    idleTtlMs,
    keepGradeMs,
    memoryBudgetBytes: memoryBudgetBytes / count,
    admission,
    testHooks,
    logLevel: logger.level,
    activityRate,
  }
  const memoryMb = limits?.memoryMb ?? DEFAULT_LIMITS.memoryMb
  const events = new EventEmitter<{ removed: [SessionRemoved] }>()
  const entries = new Map<string, Entry>()
  // The worker holding a watched session sends its activity; one it moves to hears on its first call.
  const activity = createActivityFeed({
    ...activityFeed,
    onWatchChange(id, watched) {
      // Straight to its worker: not a use of the session, and no blame or pause to hear.
      if (!entries.get(id)?.worker?.alive) return
      const ignore = () => {}
      dispatch({ method: 'watch', sessionId: id, args: [watched], retried: false, resolve: ignore, reject: ignore })
    },
  })
  /**
   * Each learner session's kept grade (grading/kept-grades.ts): its session lives only in the
   * worker that graded, never in the state file, so its entry stays pinned there; a worker that
   * dies takes it along, and a replay then finds it gone.
   */
  const keptGrades = new Map<string, { sessionId: string; timer: NodeJS.Timeout }>()
  let nextCallId = 0
  let startFailures = 0
  let deaths = 0
  const blames = createCrashBlame({ memoryMb, recordOf: (id) => entries.get(id) })
  let recycled = 0
  /** Workers being recycled: no longer in `active`, still stopped with the others. */
  const draining = new Set<Worker>()
  /** SQLite child restarts counted by workers that have since died: totals only grow. */
  let restartsOfDead = 0
  let disposed = false

  // The sessions kept from an earlier run; their workers take them up on first use.
  /** A session the state file keeps, known here and placed on a worker on its first call. */
  function keep({ id, exerciseId, appUnderTest, createdAt, source, lastUsedAt }: SavedSession) {
    entries.set(id, newEntry({ id, exerciseId, appUnderTest, createdAt, source, codeHash: undefined }, undefined, lastUsedAt))
  }

  /** A session's entry as it starts: on `worker` if one holds it, never blamed or paused. */
  function newEntry(info: SessionInfo, worker: Worker | undefined, lastUsedAt = Date.now()): Entry {
    return { info, worker, lastUsedAt, releasing: undefined, ...unblamed() }
  }
  const saved = openSavedSessions(config.stateFile)
  for (const { session } of saved.load()) keep(session)
  saved.close()
  // Databases no kept session owns (a grade the crash cut short) are deleted.
  await removeDatabasesExcept(config.databases, entries.keys())

  // Built once here and handed to every worker.
  const bundles: WorkerInit = { init: await buildBundles() }

  function start(): Worker {
    const child = fork(WORKER_SCRIPT, [JSON.stringify(config)], {
      execArgv: ['--no-node-snapshot', ...profilingFlags(process.execArgv), '--import', import.meta.resolve('tsx')],
      stdio: ['ignore', 'inherit', 'pipe', 'ipc'],
    })
    let markReady!: () => void
    const worker: Worker = {
      child,
      ready: new Promise<void>((resolve) => (markReady = resolve)),
      calls: new Map(),
      alive: true,
      started: false,
      sessions: 0,
      stats: { processes: 0, databases: 0, restarts: 0 },
      runs: { running: 0, waiting: 0 },
      stderrTail: '',
      busy: undefined,
      lastHeard: performance.now(),
      hung: false,
      overMemory: false,
      draining: false,
    }
    child.stderr!.on('data', (chunk: Buffer) => {
      process.stderr.write(chunk)
      worker.stderrTail = (worker.stderrTail + chunk.toString()).slice(-STDERR_TAIL_BYTES)
    })
    child.on('message', (message: WorkerMessage) => {
      worker.lastHeard = performance.now()
      if ('event' in message) {
        if (message.event === 'busy') worker.busy = { at: worker.lastHeard, sessions: message.sessions }
        else if (message.event === 'ready') {
          worker.started = true
          startFailures = 0
          markReady()
        } else if (message.event === 'activity') {
          if (entries.get(message.sessionId)?.worker === worker) activity.publish(message.sessionId, fromWire(message.activity) as Activity)
        } else if (message.event === 'stats') {
          worker.stats = message.stats
          worker.runs = message.runs
          worker.phases = message.phases
        } else if (entries.get(message.removed.id)?.worker === worker) {
          forgetKeptGrade(message.removed.id)
          forget(message.removed.id)
          events.emit('removed', message.removed)
        }
        return
      }
      const job = worker.calls.get(message.id)
      if (!job) return
      worker.calls.delete(message.id)
      const entry = job.sessionId === undefined ? undefined : entries.get(job.sessionId)
      if (entry && RUNS_LEARNER_CODE.has(job.method)) entry.lastAnsweredAt = worker.lastHeard
      if (message.ok) job.resolve(fromWire(message.value))
      else job.reject(errorFromWire(message.error))
      if (worker.draining) letGo(worker)
    })
    child.send(bundles)
    child.once('exit', (code, signal) => died(worker, signal ? `killed by ${signal}` : `exit code ${code}`))
    // 'error' without 'exit' means it could not be started or messaged.
    child.on('error', () => child.kill('SIGKILL'))
    return worker
  }

  const active: Worker[] = Array.from({ length: count }, start)
  // The bench's phase totals: what the live workers timed (reported with their figures).
  addPhaseSource(() => sumPhaseTimes(active.flatMap((worker) => (worker.phases ? [worker.phases] : []))))
  let spare: Worker | undefined = keepSpare ? start() : undefined

  function died(worker: Worker, reason: string) {
    worker.alive = false
    draining.delete(worker)
    if (disposed) return
    if (worker.draining && worker.calls.size === 0) {
      logger.info({ event: 'worker_recycled', pid: worker.child.pid })
      return
    }
    deaths++
    restartsOfDead += worker.stats.restarts
    // V8's fatal errors that a learner's program causes: a heap out of memory, or a string or
    // array grown past what V8 can hold ("invalid size error", reported with SIGTRAP).
    const outOfMemory =
      worker.overMemory ||
      /heap out of memory|Allocation failed|OOM|Fatal JavaScript invalid|invalid (array|string|table) (length|size)/i.test(worker.stderrTail)
    if (worker.hung) reason = 'it stopped answering'
    const cause = outOfMemory ? 'out of memory' : reason
    if (!worker.started) startFailures++
    // The dead worker's place goes to the spare (already warm) or a new worker.
    const replace = () => {
      const index = active.indexOf(worker)
      if (index >= 0) {
        active[index] = spare?.alive ? spare : start()
        spare = keepSpare ? start() : undefined
      } else if (worker === spare) spare = start()
    }
    if (startFailures >= MAX_START_FAILURES) setTimeout(replace, 1000).unref()
    else replace()

    let moved = 0
    for (const entry of entries.values()) {
      if (entry.worker !== worker) continue
      entry.worker = undefined
      moved++
    }
    const jobs = [...worker.calls.values()]
    worker.calls.clear()
    logger.error({ event: 'worker_died', cause, pid: worker.child.pid, sessions: moved, calls: jobs.length })
    // Who caused it, if anyone can tell yet (see ./crash-blame.ts): the culprits hear it now.
    const { suspects, culprits, aloneAgain } = blames.judge({ busy: worker.busy, calls: jobs, outOfMemory, reason, now: performance.now() })
    // The suspects' calls are retried on different workers, so that the one that kills a
    // worker again takes as few others with it as it can.
    let turn = 0
    for (const id of suspects) {
      const entry = entries.get(id)
      if (!entry || entry.worker) continue
      entry.worker = active[turn++ % active.length]!
      entry.worker.sessions++
    }
    // A bomb that kills V8 before any report names it: its call, sent again, took a second
    // worker down with it, and was the only learner code running there. That is evidence too.
    for (const job of jobs) {
      const entry = job.sessionId === undefined ? undefined : entries.get(job.sessionId)
      // Letting go of a session is done when its worker is gone.
      if (job.method === 'release') job.resolve(undefined)
      else if (job.sessionId !== undefined && culprits.has(job.sessionId) && entry?.blame) {
        job.reject(entry.blame)
        entry.blame = undefined
      } else if (aloneAgain(job)) {
        job.reject(blames.crashError(true, cause))
        if (entry) blames.pause(entry)
      } else if (job.retried || !safeToRepeat(job)) job.reject(blames.crashError(false, cause, job.method === 'request'))
      else dispatch({ ...job, retried: true })
    }
  }

  /** Whether a call may run again without doing anything twice. */
  function safeToRepeat(job: Job): boolean {
    if (job.method === 'request') return ['GET', 'HEAD', 'OPTIONS'].includes(String((job.args[0] as { method?: string }).method).toUpperCase())
    return SAFE_TO_REPEAT.has(job.method)
  }

  function inFlight(worker: Worker, id: string): boolean {
    for (const job of worker.calls.values()) if (job.sessionId === id && job.method !== 'release') return true
    return false
  }

  /**
   * Recycles a worker whose memory grew past the threshold: a started worker takes its place
   * at once, and it lets go of its sessions as their calls end (each is written to the state
   * file and taken up by another worker on its next call), then stops. Nothing is lost.
   */
  function recycle(worker: Worker, pssBytes?: number) {
    const index = active.indexOf(worker)
    if (!worker.alive || worker.draining || index < 0) return
    worker.draining = true
    draining.add(worker)
    active[index] = spare?.alive ? spare : start()
    spare = keepSpare ? start() : undefined
    recycled++
    logger.info({ event: 'worker_recycling', pid: worker.child.pid, ...(pssBytes ? { pssMb: Math.round(pssBytes / 1024 ** 2) } : {}) })
    letGo(worker)
  }

  /** A draining worker lets go of each session with no call in flight there; stops when it holds none. */
  function letGo(worker: Worker) {
    for (const entry of entries.values()) {
      if (entry.worker !== worker || entry.releasing || inFlight(worker, entry.info.id)) continue
      entry.worker = undefined
      worker.sessions--
      entry.releasing = new Promise<void>((resolve) => {
        const id = ++nextCallId
        const done = () => {
          entry.releasing = undefined
          resolve()
          letGo(worker)
        }
        worker.calls.set(id, { method: 'release', sessionId: entry.info.id, args: [], retried: false, resolve: done, reject: done })
        worker.child.send({ id, method: 'release', sessionId: entry.info.id, args: [] } satisfies WorkerCall)
      })
    }
    if (worker.sessions <= 0 && worker.calls.size === 0 && worker.alive) worker.child.kill('SIGTERM')
  }

  /** The worker for a session: where it is, or the live worker with the fewest sessions. */
  function placeOf(entry: Entry): Worker {
    if (entry.worker?.alive && (!entry.worker.draining || inFlight(entry.worker, entry.info.id))) return entry.worker
    const worker = leastLoaded()
    entry.worker = worker
    worker.sessions++
    return worker
  }

  /** The live worker with the fewest sessions, among those already started when there are any. */
  function leastLoaded(): Worker {
    const started = active.filter((worker) => worker.started && worker.alive)
    const candidates = started.length > 0 ? started : active
    return candidates.reduce((best, candidate) => (candidate.sessions < best.sessions ? candidate : best))
  }

  function forget(id: string) {
    const entry = entries.get(id)
    if (!entry) return
    if (entry.worker) entry.worker.sessions--
    entries.delete(id)
    activity.end(id)
  }

  function forgetKeptGrade(learnerId: string) {
    const kept = keptGrades.get(learnerId)
    if (!kept) return
    keptGrades.delete(learnerId)
    clearTimeout(kept.timer)
    forget(kept.sessionId)
  }

  /** A grade's session kept in `worker` until `expiresAt`, for the replays of learner session `learnerId`. */
  function noteKeptGrade(learnerId: string, { sessionId, expiresAt }: { sessionId: string; expiresAt: number }, worker: Worker) {
    const learner = entries.get(learnerId)
    if (!learner) return
    entries.set(sessionId, newEntry({ ...learner.info, id: sessionId, createdAt: Date.now() }, worker))
    worker.sessions++
    const timer = setTimeout(() => forgetKeptGrade(learnerId), Math.max(0, expiresAt - Date.now()))
    timer.unref()
    keptGrades.set(learnerId, { sessionId, timer })
  }

  function dispatch(job: Job): void {
    const entry = job.sessionId === undefined ? undefined : entries.get(job.sessionId)
    if (job.sessionId !== undefined && !entry) return job.reject(new UnknownSession())
    // Its old worker is still writing what it holds: the new one takes it up after that.
    if (entry?.releasing) return void entry.releasing.then(() => dispatch(job))
    const worker = entry ? placeOf(entry) : job.worker?.alive ? job.worker : leastLoaded()
    worker.ready.then(() => {
      if (!worker.alive) return dispatch(job) // died while starting: its replacement takes it
      const id = ++nextCallId
      job.sentTo = worker
      job.sentAt = performance.now()
      worker.calls.set(id, job)
      const watched = job.sessionId !== undefined && job.method !== 'watch' && activity.watched(job.sessionId)
      const call = { id, method: job.method, sessionId: job.sessionId, args: toWire(job.args), ...(watched ? { watched } : {}) } as WorkerCall
      try {
        worker.child.send(call)
      } catch {
        // The channel just closed: the worker's exit handles this job with the others.
      }
    })
  }

  function call<T>(
    method: WorkerMethod | 'crash',
    sessionId: string | undefined,
    args: unknown[],
    worker?: Worker,
    sent?: (job: Job) => void,
  ): Promise<T> {
    if (disposed) return Promise.reject(new Error('the session service was disposed'))
    const entry = sessionId === undefined ? undefined : entries.get(sessionId)
    if (sessionId !== undefined && !entry) return Promise.reject(new UnknownSession())
    if (entry) entry.lastUsedAt = Date.now()
    // Blamed for a crash: told once, then paused for a while (see ./crash-blame.ts).
    const refused = entry && blames.refusal(entry, method)
    if (refused) return Promise.reject(refused)
    return new Promise<T>((resolve, reject) => {
      const job: Job = { method, sessionId, args, retried: false, worker, resolve: resolve as (value: unknown) => void, reject }
      dispatch(job)
      sent?.(job)
    })
  }

  function find(id: string): Entry {
    const entry = entries.get(id)
    if (!entry) throw new UnknownSession()
    return entry
  }

  // A worker silent for too long (stopped, or its thread stuck) is killed: its exit is handled
  // like any death, and the calls waiting on it go elsewhere or answer 503.
  const heartbeat = setInterval(() => {
    const now = performance.now()
    for (const worker of [...active, ...(spare ? [spare] : [])]) {
      if (!worker.alive || !worker.started || now - worker.lastHeard < HUNG_AFTER_MS) continue
      worker.hung = true
      worker.child.kill('SIGKILL')
    }
  }, 1000)
  heartbeat.unref()

  // A worker whose memory grew past the threshold is recycled; past the ceiling, it is killed,
  // and its death is handled like any other.
  const memoryWatch =
    recycleAboveBytes === undefined
      ? undefined
      : watchMemory({
          recycleAboveBytes,
          watched: () =>
            [...active, ...draining].filter((worker) => worker.started && worker.alive).map((worker) => ({ worker, pid: worker.child.pid })),
          onOverThreshold: (worker, pss) => recycle(worker, pss),
          onOverCeiling(worker, pss) {
            logger.warn({ event: 'worker_over_memory', pid: worker.child.pid, pssMb: Math.round(pss / 1024 ** 2) })
            worker.overMemory = true
            worker.child.kill('SIGKILL')
          },
        })

  // Sessions no worker holds expire here; the workers expire their own.
  const sweeper = setInterval(() => {
    const now = Date.now()
    for (const [id, entry] of entries) {
      if (entry.worker || now - entry.lastUsedAt < idleTtlMs) continue
      call('delete', id, []).then(
        () => {
          forget(id)
          events.emit('removed', { id, reason: 'expired' })
        },
        () => {},
      )
    }
  }, sweepIntervalMs)
  sweeper.unref()

  await Promise.race(active.map((worker) => worker.ready))

  const service: WorkerSessions = {
    async create(options) {
      // The worker that makes a session holds it: it must not live in two workers at once.
      const worker = leastLoaded()
      worker.sessions++
      try {
        let job: Job | undefined
        const info = await call<SessionInfo>('create', undefined, [options], worker, (sent) => (job = sent))
        // It lives where it was made (another worker, if the chosen one died before it started).
        const holder = job?.sentTo?.alive ? job.sentTo : undefined
        const entry = newEntry({ ...info }, holder)
        if (holder) holder.sessions++
        entries.set(info.id, entry)
        return entry.info
      } finally {
        worker.sessions--
      }
    },
    get: (id) => find(id).info,
    async adopt(id) {
      if (entries.has(id)) return
      const file = openSavedSessions(config.stateFile)
      try {
        const kept = file.loadOne(id)
        if (!kept) throw new UnknownSession()
        keep(kept.session)
      } finally {
        file.close()
      }
    },
    async setCode(id, source) {
      const result = await call<{ codeHash: string; logs: [] }>('setCode', id, [source])
      const entry = entries.get(id)
      if (entry) {
        // The same code again is the same crash again (see ./crash-blame.ts).
        blames.codeLoaded(entry, entry.info.codeHash !== result.codeHash)
        entry.info.source = source
        entry.info.codeHash = result.codeHash
      }
      return result
    },
    request: (id, request) => call('request', id, [request]),
    reset: (id) => call('reset', id, []),
    async delete(id) {
      try {
        await call('delete', id, [])
      } catch (error) {
        // Deleted already (by a worker that died before it answered): gone is what was asked.
        if (!(error instanceof UnknownSession)) throw error
      }
      forgetKeptGrade(id)
      forget(id)
    },
    tables: (id) => call('tables', id, []),
    rows: (id, table, page) => call('rows', id, [table, page]),
    advanceClock: (id, ms) => call('advanceClock', id, [ms]),
    readClock: (id) => call('readClock', id, []),
    resetClock: (id) => call('resetClock', id, []),
    // The abort signal stays here: a grade a client gave up on finishes in its worker.
    async grade(id, { appUrl, typecheck, keep }) {
      let job: Job | undefined
      const result = await call<GradeResult>('grade', id, [{ appUrl, typecheck, keep }], undefined, (sent) => (job = sent))
      // The worker let the last kept grade go when this one began.
      if (keep) forgetKeptGrade(id)
      const holder = job?.sentTo
      if (result.kept && holder?.alive) noteKeptGrade(id, result.kept, holder)
      return result
    },
    replayCheck: (id, check) => call('replayCheck', id, [check]),
    restoreCheck: (id, check) => call('restoreCheck', id, [check]),
    runLearnerTests: (id) => call('runLearnerTests', id, []),
    get size() {
      return entries.size
    },
    get runs() {
      return active.reduce((sum, worker) => ({ running: sum.running + worker.runs.running, waiting: sum.waiting + worker.runs.waiting }), {
        running: 0,
        waiting: 0,
      })
    },
    stats() {
      return active
        .filter((worker) => worker.alive)
        .reduce(
          (sum, worker) => ({
            processes: sum.processes + worker.stats.processes,
            databases: sum.databases + worker.stats.databases,
            restarts: sum.restarts + worker.stats.restarts,
          }),
          { processes: 0, databases: 0, restarts: restartsOfDead },
        )
    },
    workers: () => ({ alive: active.filter((worker) => worker.alive && worker.started).length, deaths, recycled }),
    events,
    activity,
    workerOf: (id) => (entries.get(id)?.worker?.alive ? entries.get(id)!.worker!.child.pid : undefined),
    async crashWorker(id) {
      await call('crash', id, [])
    },
    recycleWorkerOf(id) {
      const worker = entries.get(id)?.worker
      if (worker) recycle(worker)
    },
    async dispose() {
      disposed = true
      clearInterval(sweeper)
      clearInterval(heartbeat)
      memoryWatch?.stop()
      const all = [...active, ...(spare ? [spare] : []), ...draining].filter((worker) => worker.alive)
      await Promise.all(
        all.map(
          (worker) =>
            new Promise<void>((resolve) => {
              worker.child.once('exit', () => resolve())
              // A worker keeps its sessions' last-used times and closes its files on SIGTERM.
              worker.child.kill('SIGTERM')
              setTimeout(() => worker.child.kill('SIGKILL'), 5000).unref()
            }),
        ),
      )
    },
  }
  return service
}

/** Node's CPU-profile flags the server was started with (`--cpu-prof --cpu-prof-dir DIR`), for its workers too. */
function profilingFlags(execArgv: string[]): string[] {
  const flags: string[] = []
  execArgv.forEach((flag, i) => {
    if (/^--cpu-prof(-dir|-interval)?(=|$)/.test(flag)) flags.push(flag)
    if (/^--cpu-prof-(dir|interval)$/.test(flag) && execArgv[i + 1] !== undefined) flags.push(execArgv[i + 1]!)
  })
  return flags
}
