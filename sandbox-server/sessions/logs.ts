/**
 * A session's log lines and activity events: lines written during a run (a request, a call, a
 * test run, loading code) are that run's; lines written outside one (a timer after its
 * response) are background lines, sent to the session's watchers as an event of their own.
 * Nothing is built for a session nobody watches (see ./feed.ts).
 */
import { capLogs, createActivityRate, type Activity, type ActivityRateOptions } from './activity.ts'
import type { LogEntry } from '../capabilities/index.ts'
import type { SessionState } from './session.ts'

/** Lines a timer writes within this long of each other go to the activity feed as one event. */
const BACKGROUND_LOG_BATCH_MS = 20

/** The session's log lines, with stack traces pointing into the learner's app.ts. */
export function drainLearnerLogs(session: SessionState): { entries: LogEntry[]; dropped: number } {
  const { entries, dropped } = session.log.drain()
  const mapStack = session.compiled?.mapStack
  return { entries: mapStack ? entries.map((entry) => ({ ...entry, message: mapStack(entry.message) })) : entries, dropped }
}

export interface SessionLogsOptions {
  /** How many activity events a watched session may cause (see ./activity.ts). */
  activityRate?: ActivityRateOptions
}

/**
 * @example
 * const logs = createSessionLogs({ activityRate })
 * const session = buildSession(kept, [], seed, { saved, onLogWritten: logs.backgroundLogWritten })
 * await logs.duringRun(session, () => sandbox.call('notes.list', [], 0))
 */
export function createSessionLogs({ activityRate }: SessionLogsOptions = {}) {
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

  /**
   * Runs `work` as one of the session's runs: the lines written before it that no run took
   * go to the watchers first as background lines, and the lines written while it runs are its own.
   */
  async function duringRun<T>(session: SessionState, work: () => Promise<T>): Promise<T> {
    if (session.running === 0) sendBackgroundLogs(session)
    session.running++
    try {
      return await work()
    } finally {
      session.running--
    }
  }

  /** The lines loading the session's code wrote, as one event for its watchers; returns them. */
  function recordLoad(session: SessionState, error?: Error): LogEntry[] {
    const { entries, dropped } = drainLearnerLogs(session)
    record(session, { kind: 'logs', source: 'load', at: Date.now(), ...capLogs(entries, dropped), ...(error ? { error: error.message } : {}) })
    return entries
  }

  return { record, backgroundLogWritten, duringRun, recordLoad }
}

export type SessionLogs = ReturnType<typeof createSessionLogs>
