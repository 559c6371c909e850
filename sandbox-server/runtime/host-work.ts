/**
 * What a capability call really cost the host, as opposed to how long it took to answer.
 *
 * A call's elapsed time includes waiting: in the SQLite child's queue behind other sessions,
 * for a password thread, for the event loop. Charging that to the learner blames correct code
 * when the server is busy. So the door runs each call inside a meter, and a capability that
 * knows the CPU its work really took (the SQLite child measures each statement) reports it
 * here; the door charges what was reported, and the elapsed time only for calls that report
 * nothing (cache and log calls, which are immediate).
 */
import { AsyncLocalStorage } from 'node:async_hooks'

export interface HostWorkMeter {
  /** CPU milliseconds reported by the capability for this call, if it reported any. */
  reportedMs: number | undefined
}

const meters = new AsyncLocalStorage<HostWorkMeter>()

/**
 * Runs one capability call under `meter`, which collects what the call reports whether it
 * succeeds or throws (a statement stopped at its deadline reports the CPU it had).
 */
export function meterHostWork<T>(meter: HostWorkMeter, work: () => T | Promise<T>): Promise<T> {
  return meters.run(meter, async () => work())
}

/**
 * Called by a capability after its host work finished: adds `ms` of real work to the call
 * being metered (no-op outside a capability call, e.g. when checks query the database).
 *
 * @example
 * const reply = await child.request(statement)
 * reportHostWork(reply.cpuMs)
 */
export function reportHostWork(ms: number): void {
  const meter = meters.getStore()
  if (meter && Number.isFinite(ms) && ms >= 0) meter.reportedMs = (meter.reportedMs ?? 0) + ms
}
