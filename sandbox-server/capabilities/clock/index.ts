/**
 * A session's clock: real time plus an offset that checks can advance, so TTLs and token
 * expiry can be tested without waiting. The isolate's `Date` follows it too (the runtime
 * passes `offsetMs` in with every request).
 */
export interface SessionClock {
  /** Milliseconds since the epoch, as the learner's app sees them. */
  now(): number
  /** Moves this session's time forward; never backwards. */
  advance(ms: number): void
  /** Back to real time. */
  reset(): void
  /**
   * Reads `time` now and runs on from there, behind real time if need be: a grade's check
   * replayed later starts at the very instant it began in the grade.
   */
  setTo(time: number): void
  /** How far this clock is ahead of real time. */
  readonly offsetMs: number
}

/**
 * @example
 * const clock = createClock()
 * clock.advance(60_000) // the learner's app now lives one minute in the future
 * const restored = createClock({ offsetMs: 60_000, onChange: (offsetMs) => save(offsetMs) })
 */
export function createClock({ offsetMs: initial = 0, onChange }: { offsetMs?: number; onChange?: (offsetMs: number) => void } = {}): SessionClock {
  let offsetMs = initial
  return {
    now: () => Date.now() + offsetMs,
    advance(ms) {
      if (!Number.isFinite(ms) || ms < 0) throw new RangeError('clock.advance takes a positive number of milliseconds')
      offsetMs += ms
      onChange?.(offsetMs)
    },
    reset() {
      offsetMs = 0
      onChange?.(offsetMs)
    },
    setTo(time) {
      if (!Number.isFinite(time)) throw new RangeError('clock.setTo takes a time in milliseconds since the epoch')
      offsetMs = time - Date.now()
      onChange?.(offsetMs)
    },
    get offsetMs() {
      return offsetMs
    },
  }
}
