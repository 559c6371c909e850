/**
 * The messages between the supervisor (./supervisor.ts, in the HTTP process) and a worker
 * process (./worker.ts), over Node's IPC as JSON, with bytes and bigints tagged on the way
 * (../../ipc/json-wire.js: faster than structured clone for small messages). A call names the
 * SessionService method it runs and its arguments, which are plain data (see ../service.ts);
 * an error crosses as plain fields and is rebuilt as the same class on the other side, so the
 * HTTP layer answers as if the session lived in its own process.
 */
import type { DbStats } from '../../capabilities/db/index.ts'
import type { SandboxLimits } from '../../runtime/sandbox.ts'
import type { AdmissionOptions } from '../admission.ts'
import type { SessionRemoved } from '../index.ts'
import type { SessionService } from '../service.ts'
import type { ActivityRateOptions } from '../activity.ts'
import {
  CompileError,
  LearnerFacingError,
  LearnerModuleError,
  LimitExceeded,
  ServerBusy,
  type Diagnostic,
  type LimitKind,
} from '../../runtime/errors.ts'
import { reportInternalError } from '../../runtime/internal-error.ts'
import { NoCodeLoaded, UnknownSession } from '../index.ts'
import { UnknownExercise } from '../../exercises/index.ts'
import { NoKeptGrade } from '../../grading/kept-grades.ts'
import type { LogEntry } from '../../capabilities/index.ts'
import type { Phase, PhaseTotal } from '../../observability/phase-timings.ts'
import type { PreludeBundles } from '../../runtime/prelude/build.ts'

export { fromWire, toWire } from '../../ipc/json-wire.js'

/** What a worker is started with (its first argv, as JSON). */
export interface WorkerConfig {
  /** Where database files live. */
  databases: string
  /** The session state file shared by every worker (each writes only its own sessions' rows). */
  stateFile: string
  /** SQLite child processes per worker. */
  dbProcesses: number
  limits?: Partial<SandboxLimits>
  idleTtlMs?: number
  /** How long a grade is kept for replays (grading/kept-grades.ts). */
  keepGradeMs?: number
  memoryBudgetBytes?: number
  admission?: AdmissionOptions
  /** Accept the `crash` call (a native abort), for the tests of crash containment. */
  testHooks?: boolean
  /** The supervisor's log level, so a worker is as quiet as the process that started it. */
  logLevel?: string
  /** How many activity events a watched session may cause (see ../activity.ts). */
  activityRate?: ActivityRateOptions
}

/** The SessionService methods a worker answers, with their argument lists. */
export type WorkerMethod =
  | 'create'
  | 'setCode'
  | 'request'
  | 'reset'
  | 'delete'
  | 'tables'
  | 'rows'
  | 'advanceClock'
  | 'readClock'
  | 'resetClock'
  | 'grade'
  | 'runLearnerTests'
  /** Starts or stops sending a session's activity (`args[0]`: whether it is watched, see ../feed.ts). */
  | 'watch'
  | 'replayCheck'
  | 'restoreCheck'

/** The supervisor's first message to a worker: the bundles every isolate loads, built once. */
export interface WorkerInit {
  init: PreludeBundles
}

export type WorkerCall =
  /** `watched`: the session's activity is watched (see ../feed.ts), so the worker sends it. */
  | { id: number; method: WorkerMethod; sessionId: string | undefined; args: unknown[]; watched?: true }
  /** Lets go of a session so another worker can take it up (this one is being recycled). */
  | { id: number; method: 'release'; sessionId: string; args: [] }
  | { id: number; method: 'crash'; sessionId: undefined; args: [] }

export type WorkerReply = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: WireError }

/** What a worker says on its own. */
export type WorkerEvent =
  | { event: 'ready' }
  /**
   * Sessions whose isolates ran in the last moment, with their CPU ms and whether each was
   * calm: found idle with a small heap just before (sent only when there are some).
   */
  | { event: 'busy'; sessions: [id: string, cpuMs: number, calm: boolean][] }
  | { event: 'removed'; removed: SessionRemoved }
  /** What a watched session's app did (../activity.ts), as json-wire carries it. */
  | { event: 'activity'; sessionId: string; activity: unknown }
  | { event: 'stats'; stats: DbStats; runs: SessionService['runs']; phases?: Record<Phase, PhaseTotal> }

export type WorkerMessage = WorkerReply | WorkerEvent

/** An error as it crosses: its class name and the fields the HTTP layer reads. */
export interface WireError {
  name: string
  message: string
  limit?: LimitKind
  logs?: LogEntry[]
  diagnostics?: Diagnostic[]
  code?: string
}

/** An error worded for the learner that has no class of its own on this side (SqlError, CryptoError...). */
export class RemoteLearnerError extends LearnerFacingError {
  constructor(
    override readonly name: string,
    message: string,
    readonly code: string | undefined,
  ) {
    super(message)
  }
}

/** In the worker: an error as plain fields. Anything not worded for the learner is reported here and crosses as its id only. */
export function errorToWire(error: unknown): WireError {
  if (error instanceof LimitExceeded) return { name: error.name, message: error.message, limit: error.limit, logs: error.logs }
  if (error instanceof CompileError) return { name: error.name, message: error.message, diagnostics: error.diagnostics }
  if (
    error instanceof LearnerFacingError ||
    error instanceof UnknownSession ||
    error instanceof NoCodeLoaded ||
    error instanceof UnknownExercise ||
    error instanceof NoKeptGrade
  ) {
    const code = (error as { code?: unknown }).code
    return { name: error.name, message: error.message, ...(typeof code === 'string' ? { code } : {}) }
  }
  const id = reportInternalError(error, 'worker')
  return { name: 'InternalError', message: `internal error ${id} in a worker process` }
}

/** In the supervisor: the same class again. */
export function errorFromWire(wire: WireError): Error {
  switch (wire.name) {
    case 'ServerBusy':
      return new ServerBusy()
    case 'LimitExceeded': {
      const error = new LimitExceeded(wire.limit ?? 'cpu', wire.message)
      error.logs = wire.logs ?? []
      return error
    }
    case 'CompileError':
      return new CompileError(wire.diagnostics ?? [])
    case 'LearnerModuleError':
      return new LearnerModuleError(wire.message)
    case 'UnknownSession':
      return new UnknownSession()
    case 'NoCodeLoaded':
      return new NoCodeLoaded()
    case 'NoKeptGrade':
      return new NoKeptGrade(wire.message)
    case 'UnknownExercise':
      return Object.assign(new UnknownExercise(''), { message: wire.message })
    case 'InternalError':
      return new Error(wire.message)
    default:
      return new RemoteLearnerError(wire.name, wire.message, wire.code)
  }
}

/** How often a worker says which sessions were busy (ms): the CPU each spent in that time. */
export const BUSY_REPORT_MS = 100

/** How much more readily than other processes the kernel's out-of-memory killer picks a worker (-1000..1000). */
export const OOM_SCORE_ADJ = 800
