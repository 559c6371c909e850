/**
 * The host side of the isolate's web platform: the functions of `PlatformHost` (random bytes,
 * Web Crypto, timers, error reports), backed by Node's crypto and timers.
 *
 * Learner code can end up calling these with anything (it can patch the built-ins our prelude
 * uses), so every argument is checked and every cost is capped here, not in the isolate. This
 * module must never return a Node Buffer (a pooled Buffer copies its whole 8 KB pool into the
 * isolate), a host CryptoKey, a host Error or anything else but plain data.
 */
import { webcrypto } from 'node:crypto'
import type { PlatformHost, SleepOutcome, SubtleOutcome, SubtleRequest, UncaughtErrorReport } from './contract.ts'
import { decodeFromIsolate } from './wire.ts'
import { runSubtleRequest, type SubtleLimits } from './host-subtle.ts'

export interface PlatformBridgeOptions extends Partial<SubtleLimits> {
  /** Aborting ends every pending sleep as `cancelled` and refuses new work; abort it when the isolate goes. */
  signal?: AbortSignal
  /** Timers one isolate may have waiting at once; more are refused. Default 1,000. */
  maxPendingTimers?: number
  /** Crypto operations running at once for one isolate (they share libuv's small thread pool). Default 4. */
  maxConcurrentOperations?: number
  /** Crypto operations allowed to wait for a turn; more are refused with QuotaExceededError. Default 256. */
  maxQueuedOperations?: number
  /** Receives errors thrown where learner code could not catch them. Default: dropped. */
  onUncaughtError?: (report: UncaughtErrorReport) => void
  /** Told how long each crypto operation took on the host, to charge it to the learner. */
  onHostWork?: (ms: number) => void
}

/**
 * Operations whose cost the learner chooses (PBKDF2, RSA key generation) run on libuv's small
 * thread pool, which also serves the server's file reads. Across every isolate at most two run
 * at once, and each isolate has at most one of them in flight, so one learner's flood waits
 * behind its own work and everyone gets a turn.
 */
const COSTLY_OPERATIONS = new Set(['deriveBits', 'deriveKey', 'generateKey'])
const costlyTurnsForAll = createTurns(2, Number.POSITIVE_INFINITY)

const MAX_RANDOM_BYTES = 65536
// Node's longest timer; longer waits would fire at once there.
const MAX_SLEEP_MS = 2_147_483_647
const MAX_REPORT_TEXT = 8192
// What the isolate's encoder allows (web-crypto.ts), with room for the JSON around the bytes.
const MAX_SUBTLE_REQUEST_BYTES = 17 * 1024 * 1024

/**
 * Creates the host functions one isolate gets. Wrap each as an isolated-vm Callback in the
 * mode `PLATFORM_HOST_MODES` names, as `installPlatformHost` does.
 *
 * @example
 * const stop = new AbortController()
 * const host = createPlatformBridge({ signal: stop.signal, onUncaughtError: (report) => logs.push(report) })
 * installPlatformHost(context, host)
 * // ...and when the isolate is disposed:
 * stop.abort()
 */
export function createPlatformBridge(options: PlatformBridgeOptions = {}): PlatformHost {
  const {
    signal,
    maxPendingTimers = 1000,
    maxConcurrentOperations = 4,
    maxQueuedOperations = 256,
    maxPbkdf2Iterations = 100_000,
    maxRsaModulusLength = 4096,
    onUncaughtError = () => {},
    onHostWork = () => {},
  } = options
  const limits: SubtleLimits = { maxPbkdf2Iterations, maxRsaModulusLength }
  const sleeping = new Map<number, { timer: NodeJS.Timeout; resolve: (outcome: SleepOutcome) => void }>()
  const subtleTurns = createTurns(maxConcurrentOperations, maxQueuedOperations)
  const costlyTurns = createTurns(1, maxQueuedOperations)

  function wake(timerId: number, outcome: SleepOutcome): void {
    const entry = sleeping.get(timerId)
    if (!entry) return
    sleeping.delete(timerId)
    clearTimeout(entry.timer)
    entry.resolve(outcome)
  }

  signal?.addEventListener(
    'abort',
    () => {
      for (const timerId of [...sleeping.keys()]) wake(timerId, 'cancelled')
    },
    { once: true },
  )

  return {
    randomBytes(length) {
      if (!Number.isInteger(length) || length < 0 || length > MAX_RANDOM_BYTES) {
        throw new RangeError(`randomBytes takes a whole number of bytes from 0 to ${MAX_RANDOM_BYTES}.`)
      }
      // A fresh, exactly-sized array: never a pooled Buffer.
      return webcrypto.getRandomValues(new Uint8Array(length))
    },

    async subtle(message) {
      if (signal?.aborted) return { ok: false, name: 'OperationError', message: 'The sandbox was stopped.' }
      let request: SubtleRequest
      try {
        request = decodeFromIsolate(message, MAX_SUBTLE_REQUEST_BYTES) as SubtleRequest
      } catch {
        return { ok: false, name: 'TypeError', message: 'The crypto request could not be read.' }
      }
      const timed = async () => {
        const started = performance.now()
        try {
          return await runSubtleRequest(request, limits)
        } finally {
          onHostWork(performance.now() - started)
        }
      }
      const costly = typeof request === 'object' && request !== null && COSTLY_OPERATIONS.has(String(request.op))
      if (!costly) return subtleTurns.run(timed)
      return costlyTurns.run(() => costlyTurnsForAll.run(timed))
    },

    async sleep(timerId, ms) {
      if (!Number.isSafeInteger(timerId) || typeof ms !== 'number' || Number.isNaN(ms)) return 'refused'
      if (signal?.aborted) return 'cancelled'
      // One wait per timer id: a repeated id ends the earlier wait.
      wake(timerId, 'cancelled')
      if (sleeping.size >= maxPendingTimers) return 'refused'
      const delay = Math.min(Math.max(0, ms), MAX_SLEEP_MS)
      return new Promise<SleepOutcome>((resolve) => {
        const timer = setTimeout(() => wake(timerId, 'elapsed'), delay)
        // A learner's timer must never keep the host process alive (a grader CLI must exit).
        timer.unref()
        sleeping.set(timerId, { timer, resolve })
      })
    },

    cancelSleep(timerId) {
      if (Number.isSafeInteger(timerId)) wake(timerId, 'cancelled')
    },

    reportError(report) {
      const source = report?.source
      if (source !== 'timer' && source !== 'microtask' && source !== 'event-listener') return
      onUncaughtError({
        source,
        // Type-checked, never coerced: String() of a learner's value can cost exponential time.
        message: typeof report.message === 'string' ? report.message.slice(0, MAX_REPORT_TEXT) : '',
        stack: typeof report.stack === 'string' ? report.stack.slice(0, MAX_REPORT_TEXT) : undefined,
      })
    },
  }
}

/** At most `concurrent` tasks run at once; past `queued` waiting, new ones are refused. */
function createTurns(concurrent: number, queued: number) {
  let running = 0
  const waiting: (() => void)[] = []
  return {
    async run(task: () => Promise<SubtleOutcome>): Promise<SubtleOutcome> {
      if (running < concurrent) running++
      else if (waiting.length >= queued) {
        return { ok: false, name: 'QuotaExceededError', message: 'Too many crypto operations are waiting; await some first.' }
      } else {
        // A finishing task hands its turn over, so `running` never goes past the limit.
        await new Promise<void>((resolve) => waiting.push(resolve))
      }
      try {
        return await task()
      } finally {
        const next = waiting.shift()
        if (next) next()
        else running--
      }
    },
  }
}
