/**
 * Where a grade runs the instructor's checks: a worker thread that can be stopped at a check's
 * deadline, even in a `while (true) {}` that never yields, while the learner's session stays on
 * this thread. The worker sends each call a check makes on its context; `answer` does it here.
 *
 * Starting a thread costs a few hundred milliseconds (tsx, Vitest, checks.ts), so a grade keeps
 * one for all its checks and hands it back to a small pool of idle threads; a thread stopped at
 * a deadline is replaced for the checks after it.
 */
import { Worker } from 'node:worker_threads'
import { TS_WORKER } from './ts-worker-url.ts'
import { availableParallelism } from 'node:os'
import {
  SYNC_BYTES,
  describeError,
  type CallMessage,
  type DoneMessage,
  type ReplyMessage,
  type RunCheckMessage,
  type StartedMessage,
  type ThrownError,
} from './check-protocol.ts'

/** Does, on this thread, what a check asked its context for. Sync methods must not return a promise. */
export type AnswerCall = (method: CallMessage['method'], args: unknown[]) => unknown

export type CheckOutcome =
  /** The check's `run` returned (error undefined) or threw. */
  | { ended: true; error?: ThrownError }
  /** Still running at its deadline: the thread was stopped. */
  | { ended: false; late: true }
  /** The thread died or could not load checks.ts. */
  | { ended: false; late?: undefined; crashed: string }

/** How long loading checks.ts on a new thread may take: a hang, not a slow machine. */
const LOAD_DEADLINE_MS = 120_000
const MAX_IDLE = Math.max(2, availableParallelism())
const idle: Worker[] = []

function startThread(): Worker {
  return new Worker(TS_WORKER, {
    workerData: { module: new URL('./check-worker.ts', import.meta.url).href },
    // The entry registers tsx itself; the parent's loader flags would register it twice.
    execArgv: [],
    // An instructor's runaway allocation ends this thread, not the server.
    resourceLimits: { maxOldGenerationSizeMb: 512 },
  })
}

function takeThread(): Worker {
  const thread = idle.pop() ?? startThread()
  thread.removeAllListeners('exit').removeAllListeners('error').ref()
  return thread
}

function giveBack(thread: Worker): void {
  thread.removeAllListeners('message').removeAllListeners('error').removeAllListeners('exit')
  if (idle.length >= MAX_IDLE) {
    void thread.terminate()
    return
  }
  // An idle thread never keeps the process alive, and one that dies while idle leaves the pool.
  thread.unref()
  thread.once('exit', () => idle.splice(idle.indexOf(thread) >>> 0, 1))
  thread.once('error', () => {})
  idle.push(thread)
}

/**
 * Starts idle check threads ahead of the first grade (up to the pool's size), so it does not
 * wait for one: a server calls it once at startup.
 *
 * @example
 * prewarmCheckThreads(1)
 */
export function prewarmCheckThreads(count = 1): void {
  while (idle.length < Math.min(count, MAX_IDLE)) giveBack(startThread())
}

/**
 * One grade's check thread.
 *
 * @example
 * const threads = createCheckThreads(pathToFileURL(join(exercise.dir, 'checks.ts')).href)
 * try {
 *   const outcome = await threads.run({ index: 0, deadlineMs: 10_000, answer })
 * } finally {
 *   threads.release()
 * }
 */
export function createCheckThreads(checksUrl: string) {
  let thread: Worker | undefined
  // What the checks left in `state`, for a grade's first check on a thread.
  let state: Record<string, unknown> = {}
  let stateSent = false
  const sync = new SharedArrayBuffer(8 + SYNC_BYTES)

  function answerNow(answer: AnswerCall, { method, args }: CallMessage): void {
    let reply: { value?: unknown; error?: ThrownError }
    try {
      reply = { value: answer(method, args) }
    } catch (error) {
      reply = { error: describeError(error) }
    }
    let bytes = new TextEncoder().encode(JSON.stringify(reply))
    if (bytes.length > SYNC_BYTES)
      bytes = new TextEncoder().encode(JSON.stringify({ error: describeError(new Error(`${method} answered more than ${SYNC_BYTES} bytes`)) }))
    const words = new Int32Array(sync, 0, 2)
    new Uint8Array(sync, 8).set(bytes)
    Atomics.store(words, 1, bytes.length)
    Atomics.store(words, 0, 1)
    Atomics.notify(words, 0)
  }

  return {
    /** Runs check number `index` of checks.ts; resolves when it ends, dies or is late. */
    run({ index, deadlineMs, answer }: { index: number; deadlineMs: number; answer: AnswerCall }): Promise<CheckOutcome> {
      const current = (thread ??= takeThread())
      return new Promise<CheckOutcome>((resolve) => {
        let timer = setTimeout(() => stop({ ended: false, crashed: `checks.ts did not load within ${LOAD_DEADLINE_MS / 1000} s` }), LOAD_DEADLINE_MS)
        let over = false
        const finish = (outcome: CheckOutcome) => {
          if (over) return
          over = true
          clearTimeout(timer)
          current.removeAllListeners('message').removeAllListeners('error').removeAllListeners('exit')
          resolve(outcome)
        }
        const stop = (outcome: CheckOutcome) => {
          finish(outcome)
          thread = undefined
          stateSent = false
          void current.terminate()
        }
        const reply = (message: ReplyMessage) => {
          if (over) return
          try {
            current.postMessage(message)
          } catch (error) {
            current.postMessage({ type: 'reply', id: message.id, error: describeError(error) } satisfies ReplyMessage)
          }
        }
        current.on('message', (message: CallMessage | DoneMessage | StartedMessage) => {
          if (message.type === 'started') {
            clearTimeout(timer)
            timer = setTimeout(() => stop({ ended: false, late: true }), deadlineMs)
          } else if (message.type === 'done') {
            if (message.state) state = message.state
            finish({ ended: true, error: message.error })
          } else if (message.sync) {
            answerNow(answer, message)
          } else {
            Promise.resolve()
              .then(() => answer(message.method, message.args))
              .then(
                (value) => reply({ type: 'reply', id: message.id, value }),
                (error: unknown) => reply({ type: 'reply', id: message.id, error: describeError(error) }),
              )
          }
        })
        current.once('error', (error) => stop({ ended: false, crashed: error.message }))
        current.once('exit', () => stop({ ended: false, crashed: 'the check thread stopped' }))
        current.postMessage({ type: 'run', checksUrl, index, sync, ...(stateSent ? {} : { state }) } satisfies RunCheckMessage)
        stateSent = true
      })
    },
    /** Hands the thread back to the pool: call once the grade is over. */
    release(): void {
      if (thread) giveBack(thread)
      thread = undefined
    },
  }
}
