/**
 * Runs of a session's app: a request, a call of an exported function, a run of the learner's
 * own tests. Each takes a turn (see ./admission.ts), runs on the warm sandbox, and comes back
 * with its log lines and with positions mapped to the learner's file; a run a limit stopped
 * drops the sandbox and undoes what it left half-done in the database.
 */
import type { RemoteAddress, Sandbox, SandboxResponse } from '../runtime/sandbox.ts'
import type { TestResult } from '../runtime/test-result.ts'
import { LimitExceeded, ServerBusy } from '../runtime/errors.ts'
import type { LogEntry } from '../capabilities/index.ts'
import { createAdmission, type AdmissionOptions } from './admission.ts'
import { requestActivity, type RequestActivity } from './activity.ts'
import { readable, type AppLifecycle } from './app-lifecycle.ts'
import { drainLearnerLogs, type SessionLogs } from './logs.ts'
import type { SessionState } from './session.ts'

/**
 * A busy session whose isolate answered a heap check with a small heap at most this much of
 * its own time ago was running short turns, not growing its heap in one long run (a Map
 * grown until V8 dies takes 0.6 s of it on a quiet machine, more on a busy one).
 */
const CALM_WITHIN_MS = 250

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

export interface RunsOptions {
  /** Runs at once across all sessions, and runs allowed to wait before a 503 (see admission.ts). */
  admission: AdmissionOptions | undefined
  apps: AppLifecycle
  logs: SessionLogs
}

/**
 * @example
 * const runs = createRuns({ admission: undefined, apps, logs })
 * const response = await runs.request(session, { method: 'GET', path: '/notes' })
 */
export function createRuns({ admission: admissionOptions, apps, logs }: RunsOptions) {
  const admission = createAdmission(admissionOptions)

  /**
   * Runs `work` on the session's warm sandbox. When a limit stops the run, the sandbox is
   * dropped (the next run builds a new one) and what the run left half-done in the database
   * is undone first: its statements still waiting are cancelled, an open transaction rolled
   * back. Errors come back with positions mapped to the learner's file.
   */
  async function runApp<T>(session: SessionState, work: (sandbox: Sandbox) => Promise<T>): Promise<T> {
    // Turned away at the door (ServerBusy before any work): the sandbox is not involved. A
    // session's own turns come first, so one session's flood of cheap waits cannot hold every
    // server-wide turn.
    return session.admission.run(() => admission.run(() => logs.duringRun(session, () => runAdmitted(session, work))))
  }

  async function runAdmitted<T>(session: SessionState, work: (sandbox: Sandbox) => Promise<T>): Promise<T> {
    // Lines a timer wrote since the last run went to the watchers if there are any: the rest are dropped.
    session.log.drain()
    try {
      return await work(await apps.sandboxFor(session))
    } catch (error) {
      let thrown = error
      if (error instanceof LimitExceeded) {
        apps.dropSandbox(session)
        const note = await apps.abandonLeftovers(session)
        // A new error: the sandbox hands the same one to every run it stopped.
        const stopped = error instanceof ServerBusy ? new ServerBusy() : new LimitExceeded(error.limit, error.message + note)
        stopped.logs = drainLearnerLogs(session).entries
        thrown = stopped
      }
      throw session.compiled ? readable(thrown, session.compiled.mapStack) : thrown
    }
  }

  /** Sends one request through the session's app, with its logs and timing. */
  async function request(
    session: SessionState,
    { method, path, headers = [], body = null, origin = 'http://app.localhost', remote = LOCAL_CALLER, via }: AppRequest,
  ): Promise<AppResponse> {
    const started = performance.now()
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
      if (session.activity) logs.record(session, requestActivity({ via, method, path, headers, body, durationMs: response.durationMs, response }))
      return response
    } catch (error) {
      if (session.activity) {
        const { message, logs: errorLogs } = error as Error & { logs?: LogEntry[] }
        logs.record(
          session,
          requestActivity({ via, method, path, headers, body, durationMs: performance.now() - started, error: { message, logs: errorLogs } }),
        )
      }
      throw error
    }
  }

  /** Calls a function the session's module exports, e.g. "notes.create"; returns its copied result and logs. */
  async function call(session: SessionState, path: string, args: unknown[]): Promise<{ value: unknown; logs: LogEntry[] }> {
    return runApp(session, async (sandbox) => {
      const value = await sandbox.call(path, args, session.clock.offsetMs)
      return { value, logs: drainLearnerLogs(session).entries }
    })
  }

  /** Runs the tests the session's code wrote with `sandbox/test`; their failure positions point into app.test.ts. */
  async function runTests(session: SessionState): Promise<{ tests: TestResult[]; logs: LogEntry[] }> {
    return runApp(session, async (sandbox) => {
      const results = await sandbox.runTests(session.clock.offsetMs)
      const mapStack = session.compiled!.mapStack
      const tests = results.map(({ at, message, ...result }) => ({
        ...result,
        ...(at === undefined ? {} : { at: mapStack(at) }),
        ...(message === undefined ? {} : { message: mapStack(message) }),
      }))
      return { tests, logs: drainLearnerLogs(session).entries }
    })
  }

  /**
   * The sessions whose isolates ran since the last call (a request or a background timer),
   * with the CPU ms each used and whether it was calm (found idle with a small heap within
   * CALM_WITHIN_MS of its own time). Each busy isolate is asked for its heap, answered when idle.
   */
  function busySinceLastAsked(sessions: Iterable<SessionState>): [id: string, cpuMs: number, calm: boolean][] {
    const busy: [string, number, boolean][] = []
    for (const session of sessions) {
      const cpu = session.ready?.cpuTimeNs ?? 0n
      if (cpu > session.cpuSeen) {
        busy.push([session.id, Number(cpu - session.cpuSeen) / 1e6, session.ready!.calmWithin(CALM_WITHIN_MS)])
        session.ready!.checkHeapWhenIdle()
      }
      session.cpuSeen = cpu
    }
    return busy
  }

  return {
    request,
    call,
    runTests,
    busySinceLastAsked,
    /** Runs in progress and waiting for a turn (see admission.ts). */
    get depth() {
      return admission.depth
    },
  }
}
