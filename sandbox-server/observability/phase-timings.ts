/**
 * Where a live request's time goes, for `npm run bench`: with BENCH_TIMINGS=1 in the
 * environment the server adds up the milliseconds spent in each phase (performance.now()
 * around it) and serves the totals at `GET /bench/timings` (`DELETE` starts again). Off by
 * default: then recording is one boolean test, and the route does not exist.
 *
 * Nothing here may change what a request does or answers; it only counts.
 */
import type { Server } from 'node:http'
import type { Hono } from 'hono'

/**
 * The phases, each timed where it happens:
 * - `server`: Node's `request` event to the response's `finish` (all the server did);
 * - `logs`: the request's log line and metrics (http/observe.ts);
 * - `session`: `sessions.request` as the live URL calls it (turn, the run, log drain);
 * - `worker`: a worker process's answer to that call, from its message to its reply (absent
 *   when sessions run in the HTTP process; `session` less `worker` is the hop between them);
 * - `sandbox`: `Sandbox.handle`, from the call to the checked answer;
 * - `isolate`: what the run's isolate claimed (isolated-vm's cpuTime: the time it ran, not the
 *   time it waited on a capability call);
 * - `capabilities`: capability calls as the host served them (`db`, `cache`, ...), logs apart;
 * - `learnerLogs`: the learner's `console` and `log` calls as the host served them;
 * - `copyOut`: reading and checking the isolate's answer on the host (headers, status, sizes).
 */
export const PHASES = ['server', 'logs', 'session', 'worker', 'sandbox', 'isolate', 'capabilities', 'learnerLogs', 'copyOut'] as const
export type Phase = (typeof PHASES)[number]

export interface PhaseTotal {
  /** Milliseconds spent in the phase, added up. */
  ms: number
  /** Times the phase was entered. */
  count: number
}

/** Whether this process times its phases (BENCH_TIMINGS=1). */
export const phaseTimingsEnabled = process.env.BENCH_TIMINGS === '1'

const totals = new Map<Phase, PhaseTotal>()

/**
 * Adds `ms` to a phase; does nothing unless BENCH_TIMINGS=1.
 *
 * @example
 * const started = performance.now()
 * const response = await sandbox.handle(request)
 * addPhaseTime('sandbox', performance.now() - started)
 */
export function addPhaseTime(phase: Phase, ms: number): void {
  if (!phaseTimingsEnabled) return
  const total = totals.get(phase)
  if (total) {
    total.ms += ms
    total.count++
  } else totals.set(phase, { ms, count: 1 })
}

/** Totals timed in other processes (the worker processes' sandboxes), added to this one's. */
const sources: (() => Record<Phase, PhaseTotal>)[] = []
/** What the other processes had counted at the last reset. */
let baseline = sumPhaseTimes([])

/** Phase totals added up, phase by phase. */
export function sumPhaseTimes(parts: Record<Phase, PhaseTotal>[]): Record<Phase, PhaseTotal> {
  return Object.fromEntries(
    PHASES.map((phase) => [
      phase,
      parts.reduce((sum, part) => ({ ms: sum.ms + part[phase].ms, count: sum.count + part[phase].count }), { ms: 0, count: 0 }),
    ]),
  ) as Record<Phase, PhaseTotal>
}

/** Counts another process's totals too (the supervisor adds its workers'). */
export function addPhaseSource(read: () => Record<Phase, PhaseTotal>): void {
  if (phaseTimingsEnabled) sources.push(read)
}

/** The totals so far, every phase present (zero when never entered). */
export function readPhaseTimes(): Record<Phase, PhaseTotal> {
  const own = Object.fromEntries(PHASES.map((phase) => [phase, { ...(totals.get(phase) ?? { ms: 0, count: 0 }) }])) as Record<Phase, PhaseTotal>
  const others = sumPhaseTimes(sources.map((read) => read()))
  return Object.fromEntries(
    PHASES.map((phase) => [
      phase,
      { ms: own[phase].ms + others[phase].ms - baseline[phase].ms, count: own[phase].count + others[phase].count - baseline[phase].count },
    ]),
  ) as Record<Phase, PhaseTotal>
}

export function resetPhaseTimes(): void {
  totals.clear()
  baseline = sumPhaseTimes(sources.map((read) => read()))
}

/** Times every request `server` answers as the `server` phase (when enabled). */
export function timeServerRequests(server: Server): void {
  if (!phaseTimingsEnabled) return
  // First of the request listeners, so the figure covers all the server does for a request.
  server.prependListener('request', (_request, response) => {
    const started = performance.now()
    response.once('finish', () => addPhaseTime('server', performance.now() - started))
  })
}

/** `GET /bench/timings` (the totals) and `DELETE /bench/timings` (start again), when enabled. */
export function addPhaseTimingRoutes(app: Hono): void {
  if (!phaseTimingsEnabled) return
  app.get('/bench/timings', (c) => c.json(readPhaseTimes()))
  app.delete('/bench/timings', (c) => {
    resetPhaseTimes()
    return c.body(null, 204)
  })
}
