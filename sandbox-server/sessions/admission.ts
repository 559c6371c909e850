/**
 * Admission control in front of the sandbox: at most `concurrent` runs (a request, a call, a
 * test run) at once across all sessions, and at most `queued` waiting for a turn, first come
 * first served. Past that a run is refused at once with ServerBusy (503 + Retry-After), so a
 * flood costs the flooder a quick "busy" rather than every learner a long wait.
 */
import { ServerBusy } from '../runtime/errors.ts'

export interface AdmissionOptions {
  /** Runs at once. Default 16 (isolates run on their own threads; a run waiting on a timer holds a turn too). */
  concurrent?: number
  /** Runs allowed to wait; more are refused. Default 256. */
  queued?: number
}

/**
 * @example
 * const admission = createAdmission({ concurrent: 4 })
 * const result = await admission.run(() => sandbox.handle(request))
 */
export function createAdmission({ concurrent = 16, queued = 256 }: AdmissionOptions = {}) {
  let running = 0
  const waiting: (() => void)[] = []
  return {
    async run<T>(work: () => Promise<T>): Promise<T> {
      if (running < concurrent) running++
      else if (waiting.length >= queued) throw new ServerBusy()
      // A finishing run hands its turn over, so `running` never passes the limit.
      else await new Promise<void>((resolve) => waiting.push(resolve))
      try {
        return await work()
      } finally {
        const next = waiting.shift()
        if (next) next()
        else running--
      }
    },
    /** Runs in progress and runs waiting, for metrics. */
    get depth() {
      return { running, waiting: waiting.length }
    },
  }
}
