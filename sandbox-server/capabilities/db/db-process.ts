/**
 * One database child process seen from the host: a serial request queue with a deadline on
 * each request, and a respawn whenever the child dies.
 *
 * Requests go down one at a time, so the deadline starts when the child starts the work (not
 * while it waits behind others) and a kill has exactly one culprit. At the deadline the request
 * is rejected at once and the child gets SIGKILL; nothing waits for SQLite to notice. A child
 * that exits for any other reason (out of memory, a crash) is handled the same way. The
 * databases are files, so a fresh child simply opens them again; what the dead one had open
 * in a transaction rolled back with it (the pool's `died` hook tells the sessions).
 *
 * It must never block the event loop (no sync IPC, no waiting on the child) and never start
 * the child with the parent's environment or execArgv: it gets `env: {}` and only the two
 * flags that let it give back a refused result's memory at once.
 */
import { fork, type ChildProcess } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { DatabaseCrashedError, DbPoolDisposedError, SqlError, UnknownDatabaseError } from './errors.ts'
import type { BytesPart, ChildConfig, ChildReady, DbReply, DbRequest, WireError } from './protocol.ts'
import { fromWire, toWire } from '../../ipc/json-wire.js'

const CHILD_SCRIPT = fileURLToPath(new URL('./child.js', import.meta.url))

/** A child that dies this many times in a row before it is ready is not respawned at once. */
const MAX_START_FAILURES = 3
/** However busy the machine, a request is given up after this many times its deadline in wall time. */
const MAX_WALL_FACTOR = 10

/**
 * A process's CPU time (user + system, in ms; clock ticks are 10 ms on every Linux this runs
 * on) and scheduler state ('R' running or waiting for a core, 'D' waiting for the disk, 'S'
 * sleeping, 'T' stopped...) from /proc on Linux; undefined elsewhere.
 */
function processStat(pid: number | undefined): { cpuMs: number; state: string } | undefined {
  if (pid === undefined || process.platform !== 'linux') return undefined
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1')
    // The command name may hold spaces and parentheses: the fields start after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    return { cpuMs: (Number(fields[11]) + Number(fields[12])) * 10, state: fields[0]! }
  } catch {
    return undefined
  }
}

/** A request as the pool hands it over, without the id the process assigns. */
export type DbRequestPayload = DbRequest extends infer R ? (R extends unknown ? Omit<R, 'id'> : never) : never

export type DbOkReply = Extract<DbReply, { ok: true }>

export interface RequestOptions {
  /** Deadline from the moment the child receives the request. */
  timeoutMs: number
  /** The error a request that hits its deadline rejects with. */
  timeoutError: () => Error
  /** Jump the queue (the rollback of a stopped run goes before anything else). */
  front?: boolean
  /** Called synchronously with a successful reply, before anything else is sent. */
  onReply?: (reply: DbOkReply) => void
}

export interface DbProcessHooks {
  /** The child just died (before any respawn): the transactions it held open are rolled back. */
  died(): void
}

interface QueuedRequest extends RequestOptions {
  payload: DbRequestPayload
  resolve(reply: DbOkReply): void
  reject(error: Error): void
}

/**
 * Owns one child process. Used by the pool only; see ./pool.ts.
 *
 * @example
 * const dbProcess = new DbProcess({ maxRows: 5000, maxResultBytes: 16 << 20, partBytes: 1 << 20 }, hooks)
 * await dbProcess.request({ op: 'size', dbId: 'a' }, { timeoutMs: 1000, timeoutError: () => new Error('slow') })
 */
export class DbProcess {
  restarts = 0
  private child: ChildProcess | undefined
  /** The child said it is ready and has not been given up on. */
  private ready = false
  /** The current child said it is ready at least once (so a death is not a start failure). */
  private started = false
  private startFailures = 0
  private disposed = false
  private pumping = false
  private nextId = 0
  private queue: QueuedRequest[] = []
  private inFlight: { request: QueuedRequest; id: number; timer: NodeJS.Timeout; incoming?: Uint8Array } | undefined
  private exited: Promise<void> = Promise.resolve()

  constructor(
    private readonly config: ChildConfig,
    private readonly hooks: DbProcessHooks,
  ) {
    this.spawn()
  }

  /** Whether a child process is running (it may still be starting). */
  get alive(): boolean {
    return this.child !== undefined
  }

  /** Queues one request; resolves with the child's reply or rejects with a learner-readable error. */
  request(payload: DbRequestPayload, options: RequestOptions): Promise<DbOkReply> {
    if (this.disposed) return Promise.reject(new DbPoolDisposedError())
    return new Promise<DbOkReply>((resolve, reject) => {
      const queued: QueuedRequest = { ...options, payload, resolve, reject }
      if (options.front) this.queue.unshift(queued)
      else this.queue.push(queued)
      if (!this.child) this.spawn()
      this.pump()
    })
  }

  /** Requests waiting or running: the pool sends new work to the child with the least. */
  get load(): number {
    return this.queue.length + (this.inFlight ? 1 : 0)
  }

  /** Whether the child is running a request for `dbId` right now. */
  isRunning(dbId: string): boolean {
    const payload = this.inFlight?.request.payload
    return payload !== undefined && 'dbId' in payload && payload.dbId === dbId
  }

  /** Takes the requests for `dbId` that have not been sent yet out of the queue, rejecting each with `error`. */
  cancelQueued(dbId: string, error: Error): number {
    const cancelled = this.queue.filter((queued) => 'dbId' in queued.payload && queued.payload.dbId === dbId)
    if (cancelled.length === 0) return 0
    this.queue = this.queue.filter((queued) => !cancelled.includes(queued))
    for (const queued of cancelled) queued.reject(error)
    this.updateRef()
    return cancelled.length
  }

  /** Kills the child and rejects everything still queued. */
  dispose(): Promise<void> {
    this.disposed = true
    const error = new DbPoolDisposedError()
    if (this.inFlight) {
      clearTimeout(this.inFlight.timer)
      this.inFlight.request.reject(error)
      this.inFlight = undefined
    }
    for (const queued of this.queue.splice(0)) queued.reject(error)
    // An idle child is unref'd; its exit must still keep the host alive until it is awaited.
    this.child?.ref()
    this.child?.kill('SIGKILL')
    return this.exited
  }

  private spawn(): void {
    const child = fork(CHILD_SCRIPT, [JSON.stringify(this.config)], {
      // No secrets, no NODE_OPTIONS, no tsx loader or inspector flags from the parent.
      env: {},
      // Only these flags: the child collects garbage after refusing a result too large
      // (child.js), and the rows' buffers are freed by that collection, not later on a thread.
      execArgv: ['--expose-gc', '--no-concurrent-array-buffer-sweeping'],
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    })
    this.child = child
    this.ready = false
    this.started = false
    this.exited = new Promise<void>((resolve) => {
      child.once('exit', (code, signal) => {
        this.handleDeath(child, signal ? `killed by ${signal}` : `exit code ${code}`)
        resolve()
      })
    })
    // 'error' without 'exit' means the process could not be started or messaged.
    child.on('error', (error) => {
      this.handleDeath(child, error.message)
      child.kill('SIGKILL')
    })
    child.on('message', (message: unknown) => this.handleMessage(child, fromWire(message) as DbReply | BytesPart | ChildReady))
    this.updateRef()
  }

  private handleMessage(child: ChildProcess, message: DbReply | BytesPart | ChildReady): void {
    if (child !== this.child) return // a late word from a child already given up on
    if ('part' in message) {
      const inFlight = this.inFlight
      if (inFlight?.id !== message.id) return
      inFlight.incoming ??= new Uint8Array(message.total)
      inFlight.incoming.set(message.part, message.offset)
      return
    }
    if ('ready' in message) {
      this.ready = true
      this.started = true
      this.startFailures = 0
      this.pump()
      return
    }
    const inFlight = this.inFlight
    if (!inFlight || inFlight.id !== message.id) return
    clearTimeout(inFlight.timer)
    this.inFlight = undefined
    const { request } = inFlight
    if (message.ok) {
      if (inFlight.incoming) message.bytes = inFlight.incoming
      try {
        request.onReply?.(message)
      } finally {
        request.resolve(message)
      }
    } else {
      // The CPU the failed statement spent travels with its error, to be charged (see pool.ts).
      request.reject(Object.assign(toError(message.error, request.payload.dbId), { cpuMs: message.cpuMs ?? 0 }))
    }
    this.pump()
  }

  private pump(): void {
    if (this.pumping) return
    this.pumping = true
    try {
      if (!this.child || !this.ready || this.inFlight || this.queue.length === 0) return
      const request = this.queue.shift()!
      this.send(this.child, request)
    } finally {
      this.pumping = false
      this.updateRef()
    }
  }

  private send(child: ChildProcess, request: QueuedRequest): void {
    const id = ++this.nextId
    // The deadline counts the child's CPU, not the wall clock: on a busy machine a statement
    // waits for a core, and that wait is nobody's runaway (up to MAX_WALL_FACTOR times over).
    // A stopped child ('T') is hung at once; one that made no progress and was not waiting for
    // a core or the disk is hung at its second check in a row (the first may catch it asleep
    // while its reply waits in a pipe the busy host has not read yet). Either is replaced
    // rather than waited for.
    const sentAt = performance.now()
    const atSend = processStat(child.pid)
    let lastCpu = atSend?.cpuMs
    let idleChecks = 0
    const expire = () => {
      if (this.inFlight?.id !== id) return
      const now = atSend === undefined ? undefined : processStat(child.pid)
      const wall = performance.now() - sentAt
      const used = now === undefined ? undefined : now.cpuMs - atSend!.cpuMs
      // Running, waiting for a core ('R') or for the disk ('D': the databases are files) is progress.
      const moving = now !== undefined && (now.state === 'R' || now.state === 'D' || now.cpuMs > lastCpu!)
      idleChecks = moving ? 0 : idleChecks + 1
      const progressing = now !== undefined && now.state !== 'T' && (moving || idleChecks < 2)
      lastCpu = now?.cpuMs
      if (used !== undefined && progressing && used < request.timeoutMs && wall < request.timeoutMs * MAX_WALL_FACTOR) {
        this.inFlight.timer = setTimeout(expire, Math.max(20, Math.min(request.timeoutMs - used, request.timeoutMs / 2)))
        return
      }
      // One more turn of the event loop first: a reply already waiting in the pipe (the host
      // was busy) is read before the child is given up on.
      setImmediate(() => {
        if (this.inFlight?.id !== id) return
        this.inFlight = undefined
        request.reject(used !== undefined && !progressing ? new DatabaseCrashedError('it stopped answering') : request.timeoutError())
        // Stop taking replies from this child now; its exit triggers the respawn.
        this.ready = false
        child.kill('SIGKILL')
      })
    }
    const timer = setTimeout(expire, request.timeoutMs)
    this.inFlight = { request, id, timer }
    const messages = this.split(request.payload, id)
    const sendFrom = (index: number): void => {
      if (this.inFlight?.id !== id || this.child !== child) return // given up meanwhile
      try {
        child.send(toWire(messages[index]!), (error) => {
          // Almost always the child has just died (EPIPE): its 'exit' brings the real reason.
          if (error) child.kill('SIGKILL')
          // The next slice waits for this one: each turn of the event loop copies one slice.
          else if (index + 1 < messages.length) sendFrom(index + 1)
        })
      } catch (error) {
        // Only a value that cannot be cloned gets here; the parameters were checked before.
        clearTimeout(timer)
        this.inFlight = undefined
        request.reject(new SqlError(`the request could not be sent: ${(error as Error).message}`, 'SANDBOX_BAD_PARAMETER'))
        queueMicrotask(() => this.pump())
      }
    }
    sendFrom(0)
  }

  /** The request, preceded by slices of its `bytes` when they are large (see ChildConfig.partBytes). */
  private split(payload: DbRequestPayload, id: number): (DbRequest | BytesPart)[] {
    const bytes = 'bytes' in payload ? payload.bytes : undefined
    const { partBytes } = this.config
    if (!bytes || bytes.byteLength <= partBytes) return [{ ...payload, id } as DbRequest]
    const parts: (DbRequest | BytesPart)[] = []
    for (let offset = 0; offset < bytes.byteLength; offset += partBytes) {
      parts.push({ id, part: bytes.subarray(offset, offset + partBytes), offset, total: bytes.byteLength })
    }
    parts.push({ ...payload, bytes: undefined, id } as DbRequest)
    return parts
  }

  private handleDeath(child: ChildProcess, reason: string): void {
    if (child !== this.child) return
    const wasStarted = this.started
    this.child = undefined
    this.ready = false
    if (this.inFlight) {
      clearTimeout(this.inFlight.timer)
      this.inFlight.request.reject(new DatabaseCrashedError(reason))
      this.inFlight = undefined
    }
    child.kill('SIGKILL')
    if (this.disposed) return
    this.hooks.died()
    this.restarts++
    if (!wasStarted && ++this.startFailures >= MAX_START_FAILURES) {
      // Do not spin: fail what waits, and try again on the next request.
      this.startFailures = 0
      const error = new DatabaseCrashedError(`the database process could not start: ${reason}`)
      for (const queued of this.queue.splice(0)) queued.reject(error)
      this.updateRef()
      return
    }
    this.spawn()
  }

  /** An idle child must not keep the host process alive; a busy one must. */
  private updateRef(): void {
    const child = this.child
    if (!child) return
    if (this.inFlight || this.queue.length > 0) {
      child.ref()
      child.channel?.ref()
    } else {
      child.unref()
      child.channel?.unref()
    }
  }
}

function toError(error: WireError, dbId: string): Error {
  return error.kind === 'unknown-db' ? new UnknownDatabaseError(dbId) : new SqlError(error.message, error.code)
}
