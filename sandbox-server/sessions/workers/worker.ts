/**
 * A worker process: the isolates and capabilities of the sessions the supervisor places here
 * (../service.ts answered by a session store of its own, with its own SQLite children). It
 * takes a kept session up from the shared state file on the first call that names it, so a
 * session moves to another worker by simply being called there. When a learner's program
 * kills V8 (a heap that grows past what the isolate limit catches), only this process dies:
 * the supervisor starts another and the sessions carry on from their files.
 *
 * Started by the supervisor with `--no-node-snapshot` and tsx's loader; talks only over IPC
 * (./protocol.ts) and logs JSON lines to standard output like the HTTP process.
 */
import { writeFileSync } from 'node:fs'
import { Worker } from 'node:worker_threads'
import pino from 'pino'
import { createDbPool } from '../../capabilities/db/index.ts'
import { createLogger, setProcessLogger } from '../../observability/index.ts'
import { addPhaseTime, phaseTimingsEnabled, readPhaseTimes } from '../../observability/phase-timings.ts'
import { buildPrelude, usePrebuilt } from '../../runtime/prelude/build.ts'
import { createSessionStore, type Session } from '../index.ts'
import { localSessions, type SessionInfo } from '../service.ts'
import {
  BUSY_REPORT_MS,
  errorToWire,
  fromWire,
  OOM_SCORE_ADJ,
  toWire,
  type WorkerCall,
  type WorkerConfig,
  type WorkerInit,
  type WorkerMessage,
} from './protocol.ts'

const config: WorkerConfig = JSON.parse(process.argv[2] ?? '{}')
// The supervisor's first message carries the prelude bundles: no esbuild run for them here.
const init = await new Promise<WorkerInit>((resolve) => process.once('message', resolve))
usePrebuilt(init.init)
const logger = createLogger({ level: config.logLevel, destination: pino.destination(1) })
setProcessLogger(logger)

function send(message: WorkerMessage) {
  // The supervisor may be gone already (it is shutting down): then nobody is listening.
  if (process.connected) process.send?.(message, undefined, {}, () => {})
}

// The supervisor is gone: nothing here is worth keeping (every write is in the files). Not
// process.exit: it waits for isolated-vm's threads, and one inside a learner's synchronous host
// call waits for this thread in turn (seen: workers that never ended after kill -9 of the
// server). A thread watching the parent covers a main thread too busy to hear 'disconnect'.
process.on('disconnect', () => process.kill(process.pid, 'SIGKILL'))
new Worker(
  `const { workerData } = require('node:worker_threads')
  setInterval(() => { if (process.ppid !== workerData.ppid) process.kill(process.pid, 'SIGKILL') }, 250)`,
  { eval: true, workerData: { ppid: process.ppid } },
).unref()

// An isolate can pass its memory limit for a moment (one step allocates up to V8's largest array
// before the limit is checked). Should the machine run out of memory meanwhile, the kernel is
// asked to end this process, whose death the supervisor handles, rather than the HTTP server.
try {
  writeFileSync('/proc/self/oom_score_adj', String(OOM_SCORE_ADJ))
} catch {
  // Not Linux, or /proc is not there: the kernel chooses as it would.
}

const db = createDbPool({ dataDir: config.databases, processes: config.dbProcesses })
const store = await createSessionStore({
  db,
  stateFile: config.stateFile,
  loadAll: false,
  limits: config.limits,
  idleTtlMs: config.idleTtlMs,
  memoryBudgetBytes: config.memoryBudgetBytes,
  admission: config.admission,
  activityRate: config.activityRate,
})
const sessions = localSessions(store, { keepGradeMs: config.keepGradeMs })
await buildPrelude()

/** The description the supervisor keeps: plain fields only. */
function describe(session: Session): SessionInfo {
  const { id, exerciseId, appUnderTest, createdAt, source, codeHash } = session
  return { id, exerciseId, appUnderTest, createdAt, source, codeHash }
}

/** Sends a watched session's activity to the supervisor's feed. */
function watch(sessionId: string, watched: boolean) {
  store.watch(sessionId, watched ? (activity) => send({ event: 'activity', sessionId, activity: toWire(activity) }) : undefined)
}

async function answer(call: WorkerCall): Promise<unknown> {
  if (call.method === 'crash') {
    if (!config.testHooks) throw new Error('the crash hook is for tests only')
    process.abort()
  }
  if (call.method === 'release') return store.release(call.sessionId)
  const { sessionId } = call
  if (call.method === 'watch') {
    if (sessionId === undefined) throw new Error('watch names a session')
    await store.adopt(sessionId)
    return watch(sessionId, call.args[0] === true)
  }
  const args = fromWire(call.args) as unknown[]
  if (sessionId !== undefined) await store.adopt(sessionId)
  // A session that came here from another worker is watched from its first call here.
  if (sessionId !== undefined && call.watched) watch(sessionId, true)
  const method = sessions[call.method] as (...args: unknown[]) => Promise<unknown>
  const value = await method.apply(sessions, sessionId === undefined ? args : [sessionId, ...args])
  // create() and get() hand out the live session: only its description crosses.
  return call.method === 'create' ? describe(value as Session) : value
}

process.on('message', (call: WorkerCall) => {
  const started = performance.now()
  answer(call).then(
    (value) => {
      send({ id: call.id, ok: true, value: toWire(value) })
      if (call.method === 'request') addPhaseTime('worker', performance.now() - started)
    },
    (error) => send({ id: call.id, ok: false, error: errorToWire(error) }),
  )
})

// Stopping (the server shuts down): keep the sessions' last-used times, close the files.
process.once('SIGTERM', () => {
  void store
    .dispose()
    .then(() => db.dispose())
    .finally(() => process.exit(0))
})

store.events.on('removed', (removed) => send({ event: 'removed', removed }))
// With BENCH_TIMINGS=1 the bench's phase totals travel with the figures (the supervisor adds them up).
const reportStats = () =>
  send({ event: 'stats', stats: sessions.stats(), runs: sessions.runs, ...(phaseTimingsEnabled ? { phases: readPhaseTimes() } : {}) })
setInterval(reportStats, 500).unref()
// Who was busy, every 100 ms: when a crash comes, the supervisor suspects these first.
setInterval(() => {
  const busy = store.busySinceLastAsked()
  if (busy.length > 0) send({ event: 'busy', sessions: busy })
}, BUSY_REPORT_MS).unref()
reportStats()
send({ event: 'ready' })
