/**
 * How idle the machine's CPUs were over a stretch of time, from Linux's /proc/stat sampled
 * every 100 ms: a run that waited on nothing of ours for its whole wall-clock budget is a
 * promise that never settles only if the machine had CPU to spare meanwhile. When every core
 * was busy, the run may simply never have been given a thread (isolated-vm's threads were
 * running other learners' loops): that is the server's fault, not the code's.
 */
import { readFileSync } from 'node:fs'

const SAMPLE_MS = 100
/** About a minute of samples. */
const KEEP = 600

interface Sample {
  at: number
  /** Jiffies the CPUs spent idle (idle + iowait), and in all, since boot. */
  idle: number
  total: number
}

const samples: Sample[] = []
let timer: NodeJS.Timeout | undefined

function read(): Sample | undefined {
  try {
    const line = readFileSync('/proc/stat', 'latin1').split('\n', 1)[0]!
    const fields = line.trim().split(/\s+/).slice(1).map(Number)
    return { at: performance.now(), idle: fields[3]! + (fields[4] ?? 0), total: fields.reduce((sum, value) => sum + value, 0) }
  } catch {
    return undefined // not Linux: no figure, and nothing is blamed on the machine
  }
}

/** Starts sampling (once per process; the timer never keeps the process alive). */
export function watchMachineLoad(): void {
  if (timer || !read()) return
  const sample = () => {
    const next = read()
    if (!next) return
    samples.push(next)
    if (samples.length > KEEP) samples.shift()
  }
  sample()
  timer = setInterval(sample, SAMPLE_MS)
  timer.unref()
}

/**
 * The share of the machine's CPU time that was idle since `since` (performance.now()), from 0
 * to 1; undefined when there are no samples to tell (not Linux, or too short a stretch).
 */
export function idleShareSince(since: number): number | undefined {
  const now = read()
  let start = samples[0]
  for (const sample of samples) if (sample.at <= since) start = sample
  if (!now || !start || now.total - start.total <= 0) return undefined
  return (now.idle - start.idle) / (now.total - start.total)
}
