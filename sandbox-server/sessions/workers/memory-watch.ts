/**
 * The workers' memory, watched every 2 s: a worker whose memory (PSS, its own process) grew
 * past the recycling threshold is to be recycled; past MEMORY_CEILING_FACTOR times that, it is
 * to be killed. Memory V8 does not count (Intl's ICU objects) can grow a worker while every
 * isolate's heap looks small, and a draining worker keeps a session while it has a call in
 * flight: the ceiling catches both. This only measures and says so; the supervisor
 * (./supervisor.ts) recycles or kills.
 */
import { readFileSync } from 'node:fs'

/** A worker whose memory (PSS) passes this many times the recycling threshold is killed. */
export const MEMORY_CEILING_FACTOR = 1.5
/** How often each worker's memory is read. */
const WATCH_INTERVAL_MS = 2000

export interface MemoryWatchOptions<Watched> {
  /** The threshold in bytes. */
  recycleAboveBytes: number
  /** The workers to measure now, each with its process id (started and alive only). */
  watched: () => Iterable<{ worker: Watched; pid: number | undefined }>
  /** Past the threshold: recycle it. */
  onOverThreshold: (worker: Watched, pssBytes: number) => void
  /** Past the ceiling: kill it. */
  onOverCeiling: (worker: Watched, pssBytes: number) => void
}

/**
 * Starts the watch; `stop` ends it.
 *
 * @example
 * const watch = watchMemory({ recycleAboveBytes, watched: () => live(), onOverThreshold: recycle, onOverCeiling: kill })
 * watch.stop()
 */
export function watchMemory<Watched>({ recycleAboveBytes, watched, onOverThreshold, onOverCeiling }: MemoryWatchOptions<Watched>) {
  const timer = setInterval(() => {
    for (const { worker, pid } of watched()) {
      const pss = pssOf(pid)
      if (pss === undefined) continue
      if (pss > recycleAboveBytes * MEMORY_CEILING_FACTOR) onOverCeiling(worker, pss)
      else if (pss > recycleAboveBytes) onOverThreshold(worker, pss)
    }
  }, WATCH_INTERVAL_MS)
  timer.unref()
  return { stop: () => clearInterval(timer) }
}

/** A process's proportional set size in bytes (Linux /proc), or undefined. */
function pssOf(pid: number | undefined): number | undefined {
  try {
    const kib = /^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'latin1'))?.[1]
    return kib === undefined ? undefined : Number(kib) * 1024
  } catch {
    return undefined
  }
}
