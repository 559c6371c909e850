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

/** Runs one capability call with a fresh meter; returns its result and the meter. */
export async function meterHostWork<T>(work: () => T | Promise<T>): Promise<{ value: T; meter: HostWorkMeter }> {
  const meter: HostWorkMeter = { reportedMs: undefined }
  const value = await meters.run(meter, work)
  return { value, meter }
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
