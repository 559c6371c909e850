/**
 * Who crashed a worker, and what happens to them: the blame and pause policy the supervisor
 * (./supervisor.ts) applies when a worker dies.
 *
 * The suspects are the sessions whose isolates were computing in the worker's last report
 * before it died (workers say who is busy every 100 ms): not a call merely in flight, nor a
 * busy session whose isolate was found idle with a small heap just before (short turns) while
 * calls were computing, nor one whose call was answered within the report's span. A session
 * suspected in two deaths within five minutes is the cause. Deaths V8 caused that no suspect
 * explains are kept: the one session computing in each of the last three within five minutes
 * is their cause. A first death alone blames nobody.
 *
 * A session found to be the cause hears it on its call in flight or on its next one, and its
 * code does not run for 30 s, doubled for each earlier blame in the last ten minutes; other
 * code lifts a first pause. Nothing here sends, kills or places anything: the supervisor does.
 */
import { LearnerFacingError, LimitExceeded } from '../../runtime/errors.ts'
import { BUSY_REPORT_MS, type WorkerMethod } from './protocol.ts'

/** Calls that run the learner's code, and so may be what killed a worker. */
export const RUNS_LEARNER_CODE = new Set<WorkerMethod | 'crash' | 'release'>([
  'setCode',
  'request',
  'grade',
  'runLearnerTests',
  'replayCheck',
  'crash',
])
/** A worker's last report of who is busy counts when it came this shortly before its death. */
const SUSPECT_WINDOW_MS = 1000
/** CPU ms in one 100 ms report that make a session a suspect: it was computing, not answering. */
const SUSPECT_CPU_MS = 30
/** A session found to crash workers runs no code for this long, unless it sends code again. */
const PAUSE_AFTER_BLAME_MS = 30_000
/** The longest pause, for a session blamed again and again. */
const MAX_PAUSE_MS = 10 * 60_000
/** How long a blame is remembered for doubling the next pause. */
const BLAMES_REMEMBERED_MS = 10 * 60_000
/** Two deaths a session is suspected in, this close together, make it the cause. */
const STRIKE_WINDOW_MS = 5 * 60_000

/** The process running the learner's app stopped for a reason that is not the app's memory. */
export class WorkerCrashed extends LearnerFacingError {
  override name = 'WorkerCrashed'
  readonly code = 'SANDBOX_WORKER_CRASHED'
}

/** What the supervisor remembers of a session for blaming it (part of its entry). */
export interface BlameRecord {
  /** When worker deaths it was suspected in happened. */
  strikes: number[]
  /** Found to be the cause of a crash with no call of its own in flight: its next call hears it. */
  blame: Error | undefined
  /** Blamed for a crash: its code runs again after this (Date.now()), or once it sends other code after a first blame. */
  pausedUntil: number
  /** When it was blamed, within the last BLAMES_REMEMBERED_MS: each blame doubles the pause. */
  blames: number[]
  /** When its worker last answered a call that ran its code (performance.now()). */
  lastAnsweredAt: number
}

/** A session's record as it starts: never suspected, blamed or paused. */
export function unblamed(): BlameRecord {
  return { strikes: [], blame: undefined, pausedUntil: 0, blames: [], lastAnsweredAt: 0 }
}

/** A call the dead worker had in flight. */
export interface CallInFlight {
  method: WorkerMethod | 'crash' | 'release'
  sessionId: string | undefined
  /** Sent again once already, after a worker died under it. */
  retried: boolean
  /** When it was last sent (performance.now()). */
  sentAt?: number
}

/** A worker's death, as the supervisor saw it. */
export interface WorkerDeath<Call extends CallInFlight> {
  /** The worker's last report of busy sessions: when (performance.now()), and each one's CPU ms and calm. */
  busy: { at: number; sessions: [id: string, cpuMs: number, calm: boolean][] } | undefined
  /** The calls it had in flight. */
  calls: Call[]
  /** V8 said it ran out of memory, or its memory passed the ceiling. */
  outOfMemory: boolean
  /** How the process ended ("killed by SIGTRAP", "it stopped answering"). */
  reason: string
  /** When it died (performance.now()). */
  now: number
}

export interface CrashBlameOptions {
  /** The isolate's memory limit, named in the message of an app that ran out of memory. */
  memoryMb: number
  /** A session's record, or undefined when the session is gone. */
  recordOf(id: string): BlameRecord | undefined
}

/**
 * @example
 * const blames = createCrashBlame({ memoryMb: 64, recordOf: (id) => entries.get(id) })
 * const { suspects, culprits, aloneAgain } = blames.judge({ busy, calls, outOfMemory, reason, now })
 */
export function createCrashBlame({ memoryMb, recordOf }: CrashBlameOptions) {
  /** Deaths V8 caused that no evidence explained: who was computing in each. */
  let unexplained: { at: number; computing: Set<string> }[] = []

  function crashError(outOfMemory: boolean, reason: string, mayHaveRun = false): Error {
    if (outOfMemory && !mayHaveRun) {
      return new LimitExceeded(
        'memory',
        `Your app ran out of memory (more than ${memoryMb} MB), so the process running it was stopped and replaced: look for a Map, array or string that keeps growing.`,
      )
    }
    return new WorkerCrashed(
      mayHaveRun
        ? `The process running your app stopped (${reason === 'out of memory' ? 'an app in it ran out of memory' : reason}) while your request was in it, so it may or may not have been applied: check before you send it again.`
        : `The process running your app stopped (${reason}) and was replaced: send the request again.`,
    )
  }

  /**
   * Pauses a session blamed for a crash: 30 s, doubled for each earlier blame in the last ten
   * minutes. Other code lifts a first pause (the learner fixed the bug); the same code does
   * not, and neither does any code once it was blamed again (a comment changes the code too).
   */
  function pause(record: BlameRecord) {
    const now = Date.now()
    record.blames = [...record.blames.filter((at) => now - at <= BLAMES_REMEMBERED_MS), now]
    record.pausedUntil = now + Math.min(PAUSE_AFTER_BLAME_MS * 2 ** (record.blames.length - 1), MAX_PAUSE_MS)
  }

  /** New code loaded: a first pause is lifted when it is other code (see `pause`). */
  function codeLoaded(record: BlameRecord, changed: boolean) {
    if (changed && record.blames.length <= 1) record.pausedUntil = 0
  }

  /**
   * Why a session's call may not go to a worker now, or undefined: a blame it has not heard
   * (told once), or a pause while the call would run its code (loading new code may).
   */
  function refusal(record: BlameRecord, method: CallInFlight['method']): Error | undefined {
    // Found to have crashed a worker from a timer: told on its next call, once.
    if (record.blame) {
      const blame = record.blame
      record.blame = undefined
      return blame
    }
    // Found to crash workers: its code does not run again for a while, unless it changes.
    if (record.pausedUntil > Date.now() && RUNS_LEARNER_CODE.has(method) && method !== 'setCode') {
      const seconds = Math.ceil((record.pausedUntil - Date.now()) / 1000)
      const lift =
        record.blames.length > 1
          ? `it did so ${record.blames.length} times in ten minutes, so new code runs only once the pause ends.`
          : 'change your code to run it sooner.'
      return new LimitExceeded(
        'memory',
        `Your app crashed the process running it by running out of memory, so it is paused for ${seconds} s: ${lift}`,
      )
    }
    return undefined
  }

  /**
   * Judges a worker's death: who was running learner code there when it died (a request,
   * loading code, a grade), which of those were computing, who the suspects are, and who is
   * now blamed (`culprits`, each with its record's `blame` set and paused). `aloneAgain` tells
   * a call whose retry took a second worker down while it was the only learner code running.
   */
  function judge<Call extends CallInFlight>({ busy, calls, outOfMemory, reason, now }: WorkerDeath<Call>) {
    // Which were computing: the call came after the worker's last report, or that report found
    // its session busy. A call the report found idle was waiting (on a timer, a query), which
    // is no evidence.
    const report = busy && now - busy.at <= SUSPECT_WINDOW_MS ? busy.sessions : []
    const running = new Set(calls.filter((call) => RUNS_LEARNER_CODE.has(call.method)).map((call) => call.sessionId))
    const busyInReport = new Set(report.filter(([, cpuMs]) => cpuMs >= SUSPECT_CPU_MS).map(([id]) => id))
    const computing = new Set(
      calls
        .filter((call) => RUNS_LEARNER_CODE.has(call.method) && call.sessionId !== undefined)
        .filter((call) => !busy || (call.sentAt ?? 0) > busy.at || busyInReport.has(call.sessionId!))
        .map((call) => call.sessionId!),
    )
    // The suspects: who was computing hard in the worker's last report before it died, if that
    // was recent. Not a call merely in flight, nor a learner whose request took its usual
    // millisecond meanwhile. Nor, while other calls were computing, a busy learner whose
    // isolate was found idle with a small heap just before (short turns, one after another):
    // V8 dies of a heap grown in one long run, which never idles to be measured. With no call
    // computing, it was a timer: every busy one counts.
    // Nor one with no call in flight whose call was answered within or after the report's span:
    // the report saw that call's work, and the run ended with its heap measured under the limit (a timer
    // would have to start in the moments between).
    const answeredSince = (id: string) => !running.has(id) && busy !== undefined && (recordOf(id)?.lastAnsweredAt ?? 0) > busy.at - BUSY_REPORT_MS
    const suspects = report
      .filter(([id, cpuMs, calm]) => cpuMs >= SUSPECT_CPU_MS && (!calm || computing.size === 0) && !answeredSince(id))
      .map(([id]) => id)
    const culprits = new Set<string>()
    const blame = (id: string) => {
      const record = recordOf(id)
      if (!record) return
      culprits.add(id)
      record.strikes = []
      record.blame = crashError(outOfMemory, reason)
      pause(record)
    }
    for (const id of new Set(suspects)) {
      const record = recordOf(id)
      if (!record) continue
      record.strikes = [...record.strikes.filter((at) => now - at <= STRIKE_WINDOW_MS), now]
      if (record.strikes.length >= 2) blame(id)
    }
    // A bomb that kills V8 before any report names it, or looks calm until its last short run:
    // deaths that V8 itself caused (its heap, or an abort or trap) with no suspect at all.
    // The one session computing in each of the last three within five minutes is their cause;
    // while more than one was in all of them, nobody is blamed yet.
    const byV8 = outOfMemory || /SIGABRT|SIGTRAP/.test(reason)
    const aloneAgain = (call: Call) => call.retried && outOfMemory && RUNS_LEARNER_CODE.has(call.method) && running.size === 1
    if (byV8 && suspects.length === 0 && !calls.some(aloneAgain) && computing.size > 0) {
      unexplained = [...unexplained.filter((death) => now - death.at <= STRIKE_WINDOW_MS), { at: now, computing }].slice(-3)
      const common = [...computing].filter((id) => unexplained.every((death) => death.computing.has(id)))
      if (unexplained.length === 3 && common.length === 1) {
        blame(common[0]!)
        unexplained = []
      }
    }
    return { suspects: [...new Set(suspects)], culprits, aloneAgain }
  }

  return { judge, refusal, pause, codeLoaded, crashError }
}
