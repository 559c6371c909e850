/**
 * Password hashing for every session: argon2id in a small pool of worker threads, so a hash
 * never blocks the server's main thread, with one cost fixed by the host.
 *
 * The course's cost is m=1 MiB, t=2, p=1 (a few ms a hash). OWASP's production minimum is
 * m=19 MiB, t=2, p=1 (60-77 ms measured here): too much for one machine serving a class.
 * `verifyPassword` reads the cost from the hash string, so a string that asks for more than
 * the course's cost is refused before any work, with a message that says why.
 */
import { Worker } from 'node:worker_threads'
import { CapabilityLimit } from '../../runtime/errors.ts'
import { reportHostWork } from '../../runtime/host-work.ts'

export const PASSWORD_OPSLIMIT = 2
export const PASSWORD_MEMLIMIT_KIB = 1024

export interface PasswordPoolOptions {
  /** Worker threads hashing at once. Default 2. */
  threads?: number
  /** Jobs a worker runs before it is replaced (its WebAssembly memory never shrinks). Default 500. */
  jobsPerWorker?: number
  /** Jobs allowed to wait for a thread; more are refused. Default 1,000. */
  maxQueued?: number
}

interface Job {
  op: 'hash' | 'verify'
  password: string
  hash?: string
  resolve(value: unknown): void
  reject(error: Error): void
}

interface PoolWorker {
  worker: Worker
  ready: Promise<void>
  jobsDone: number
  busy: Job | undefined
}

/** An argon2 hash string's cost, or undefined when the string is not one. */
function costOf(hash: string): { memKiB: number; ops: number; lanes: number } | undefined {
  const match = /^\$argon2id?\$v=19\$m=(\d{1,10}),t=(\d{1,10}),p=(\d{1,3})\$/.exec(hash)
  return match ? { memKiB: Number(match[1]), ops: Number(match[2]), lanes: Number(match[3]) } : undefined
}

/**
 * @example
 * const passwords = createPasswordPool()
 * const hash = await passwords.hash('hunter22')   // '$argon2id$v=19$m=1024,t=2,p=1$...'
 * await passwords.verify(hash, 'hunter22')        // true
 */
export function createPasswordPool({ threads = 2, jobsPerWorker = 500, maxQueued = 1000 }: PasswordPoolOptions = {}) {
  const workers: PoolWorker[] = []
  const queue: Job[] = []

  function start(): PoolWorker {
    // Plain JavaScript: it needs none of the parent's loader hooks.
    const worker = new Worker(new URL('./password-worker.js', import.meta.url), { execArgv: [] })
    const entry: PoolWorker = {
      worker,
      jobsDone: 0,
      busy: undefined,
      ready: new Promise((resolve) => worker.once('message', () => resolve())),
    }
    worker.on('message', (message: { id?: number; value?: unknown; ms?: number }) => {
      const job = entry.busy
      if (message.id === undefined || !job) return
      entry.busy = undefined
      entry.jobsDone++
      worker.unref()
      job.resolve({ value: message.value, ms: message.ms ?? 0 })
      if (entry.jobsDone >= jobsPerWorker) replace(entry)
      next()
    })
    worker.on('error', () => replace(entry))
    worker.on('exit', () => replace(entry))
    // An idle thread must never keep a process (the grader CLI, lessons:check) alive; a busy one
    // must, or the process could end mid-hash. After the listeners: adding one refs it again.
    worker.unref()
    workers.push(entry)
    return entry
  }

  function replace(entry: PoolWorker) {
    const index = workers.indexOf(entry)
    if (index === -1) return
    workers.splice(index, 1)
    entry.busy?.reject(new CapabilityLimit('password hashing failed on the server; please try again'))
    entry.busy = undefined
    entry.worker.removeAllListeners()
    void entry.worker.terminate()
    next()
  }

  let nextId = 1
  function next() {
    while (queue.length > 0) {
      let idle = workers.find((entry) => entry.busy === undefined)
      if (!idle && workers.length < threads) idle = start()
      if (!idle) return
      const job = queue.shift()!
      idle.busy = job
      idle.worker.ref()
      const target = idle
      void target.ready.then(() => {
        if (target.busy !== job) return
        target.worker.postMessage({
          id: nextId++,
          op: job.op,
          password: job.password,
          hash: job.hash,
          opsLimit: PASSWORD_OPSLIMIT,
          memLimit: PASSWORD_MEMLIMIT_KIB * 1024,
        })
      })
    }
  }

  /** Runs one job and charges its thread time (not its wait) to the capability call running it. */
  async function run(job: Omit<Job, 'resolve' | 'reject'>): Promise<unknown> {
    if (queue.length >= maxQueued) throw new CapabilityLimit('too many password hashes are waiting on the server; try again in a moment')
    const { value, ms } = (await new Promise((resolve, reject) => {
      queue.push({ ...job, resolve, reject })
      next()
    })) as { value: unknown; ms: number }
    reportHostWork(ms)
    return value
  }

  return {
    async hash(password: string): Promise<string> {
      return String(await run({ op: 'hash', password: String(password) }))
    },
    async verify(hash: string, password: string): Promise<boolean> {
      const cost = costOf(String(hash))
      if (!cost) return false
      if (cost.memKiB > PASSWORD_MEMLIMIT_KIB || cost.ops > PASSWORD_OPSLIMIT || cost.lanes !== 1) {
        throw new CapabilityLimit(
          `verifyPassword: this hash asks for m=${cost.memKiB},t=${cost.ops},p=${cost.lanes}; the sandbox verifies hashes up to ` +
            `m=${PASSWORD_MEMLIMIT_KIB},t=${PASSWORD_OPSLIMIT},p=1, the cost crypto.hashPassword uses. Store hashes made by crypto.hashPassword.`,
        )
      }
      return (await run({ op: 'verify', hash: String(hash), password: String(password) })) === true
    },
    /** Stops every worker thread; queued jobs are refused. */
    async dispose() {
      for (const job of queue.splice(0)) job.reject(new CapabilityLimit('the server is shutting down'))
      await Promise.all(workers.splice(0).map((entry) => entry.worker.terminate()))
    },
  }
}

export type PasswordPool = ReturnType<typeof createPasswordPool>
