/**
 * One learner app in one V8 isolate (isolated-vm), with its limits.
 *
 * Limits that really hold: isolated-vm's own `timeout` covers neither promises nor time spent
 * in host calls, and an error thrown into the isolate can be caught by learner code. So every
 * run is watched from the host: CPU time of the isolate plus the time of every host call it
 * made is charged to the run, a wall-clock deadline covers promises that never settle, and
 * when a budget is spent the isolate is disposed (stop, don't throw). The owner builds a new
 * Sandbox for the next request.
 *
 * Nothing here may hand the isolate a host object: host functions cross as Callbacks or as
 * the one door Reference (captured by the prelude and deleted from globals before learner code
 * runs), and every argument and result is copied.
 */
import { ivm, type IsolatedVm } from './isolated-vm.ts'
import { buildLibrary, buildPrelude, buildTestLibrary } from './prelude/build.ts'
import type { PlainRequest, PlainResponse } from './prelude/entry.ts'
import { Value } from '@sinclair/typebox/value'
import { TestResults, type TestResult } from './test-result.ts'
import type { CompiledModule } from './compile.ts'
import { LearnerFacingError, LearnerModuleError, LimitExceeded, ServerBusy, type LimitKind } from './errors.ts'
import { reportInternalError } from './internal-error.ts'
import { meterHostWork, type HostWorkMeter } from './host-work.ts'
import { idleShareSince, watchMachineLoad } from './machine-load.ts'
import { decodeFromIsolate } from './platform/wire.ts'
import { checkedResponse, headersTooLarge } from './response-checks.ts'
import { DEFAULT_LIMITS, LIMIT_MESSAGES, type SandboxLimits } from './limits.ts'
import { installPlatform, type UncaughtErrorReport } from './platform/index.ts'
import { addPhaseTime } from '../observability/phase-timings.ts'

export { DEFAULT_LIMITS, type SandboxLimits } from './limits.ts'

/** Host functions the learner's `sandbox` module reaches, by capability and method. */
export type HostCapabilities = Record<string, Record<string, (...args: any[]) => unknown>>

export interface SandboxRequest {
  method: string
  url: string
  headers: [string, string][]
  body: Uint8Array | null
  /** How far the session clock is ahead of real time. */
  clockOffsetMs: number
  /** Who sent it, as getConnInfo from @hono/node-server/conninfo answers in the app. */
  remote?: RemoteAddress
}

/** The caller of a request: plain data copied into the isolate. */
export interface RemoteAddress {
  address: string
  port?: number
  family?: 'IPv4' | 'IPv6'
}

export interface SandboxResponse {
  status: number
  statusText: string
  headers: [string, string][]
  /** null when the app answered with no body (a redirect, `c.body(null)`), not even an empty one. */
  body: Uint8Array | null
  /** console lines the isolate dropped once the log was full. */
  droppedLogs: number
}

export interface SandboxOptions {
  capabilities: HostCapabilities
  limits?: Partial<SandboxLimits>
  /** Errors thrown where the learner's code could not catch them (a throwing timer callback). */
  onUncaughtError?: (report: UncaughtErrorReport) => void
}

/**
 * Work that runs between requests (timers, promise callbacks) has no run to charge. Every live
 * sandbox is sampled here: CPU it burns while idle fills a leaky bucket, and a sandbox whose
 * bucket passes its CPU budget is stopped, so a background loop cannot hold an isolate thread.
 */
const BACKGROUND_SAMPLE_MS = 200
/**
 * How far past its limit an isolate's heap may be found after a run (or a timer) before the
 * run ends as the memory limit. isolated-vm checks its limit when V8 collects garbage, and one
 * step (a concat, a flattened string) can allocate far more than the limit without a collection
 * before the run returns: the isolate would answer and keep holding it. The heap is measured
 * after every run; garbage not yet collected counts too, hence the room.
 */
const HELD_HEAP_FACTOR = 2
/**
 * A run that claimed less CPU than this cannot have filled memory in one step: writing
 * HELD_HEAP_FACTOR times the limit takes tens of ms at memory speed. Skipping their heap check
 * saves ~10 us of a warm request's ~65 us of CPU in the sandbox (measured in process over 3,000
 * requests of a JSON hello app).
 */
const HEAP_CHECK_MIN_CPU_MS = 1
/** Idle CPU that drains from the bucket per sample: 10% of a core is always allowed. */
const BACKGROUND_ALLOWANCE_MS = BACKGROUND_SAMPLE_MS * 0.1
const idleSandboxes = new Set<Sandbox>()
/** Runs in progress across every sandbox of this process, for each run's share of the CPU. */
interface ActiveRun {
  isolate: IsolatedVm.Isolate
  startCpu: bigint
  /** The last figure read, kept for when the isolate is gone. */
  lastClaimed?: number
}
const activeRuns = new Set<ActiveRun>()
/** CPU that finished runs' isolates claimed, in ms: with the active ones, a running total. */
let finishedClaimed = 0

/** What a run's isolate has claimed since it started, in ms (isolated-vm's cpuTime). */
function claimedBy(run: ActiveRun): number {
  try {
    run.lastClaimed = Number(run.isolate.cpuTime - run.startCpu) / 1e6
  } catch {
    // Disposed: its last figure stands.
  }
  return run.lastClaimed ?? 0
}

/** CPU claimed by every run of this process so far; a difference of two readings is a window's. */
function claimedByAll(): number {
  let total = finishedClaimed
  for (const run of activeRuns) total += claimedBy(run)
  return total
}
let backgroundTimer: NodeJS.Timeout | undefined

function watchInBackground(sandbox: Sandbox) {
  idleSandboxes.add(sandbox)
  backgroundTimer ??= setInterval(() => {
    for (const each of idleSandboxes) each.sampleBackgroundCpu()
    if (idleSandboxes.size === 0) {
      clearInterval(backgroundTimer)
      backgroundTimer = undefined
    }
  }, BACKGROUND_SAMPLE_MS).unref()
}

interface CachedScript {
  build: () => Promise<string>
  source?: string
  cachedData?: IsolatedVm.ExternalCopy<ArrayBuffer>
}
const preludeScript: CachedScript = { build: buildPrelude }
const testLibraryScript: CachedScript = { build: buildTestLibrary }
const libraryScripts = new Map<string, CachedScript>()

/** Compiles a script built once per process, reusing V8's code cache after the first isolate. */
async function compileCached(isolate: IsolatedVm.Isolate, script: CachedScript, filename: string): Promise<IsolatedVm.Script> {
  script.source ??= await script.build()
  const { source, cachedData } = script
  // isolated-vm sets `cachedData` on the script it returns when asked to produce it.
  const compiled = (await isolate.compileScript(source, {
    filename,
    ...(cachedData ? { cachedData } : { produceCachedData: true }),
  })) as IsolatedVm.Script & IsolatedVm.CachedDataResult
  if (!cachedData && compiled.cachedData) script.cachedData = compiled.cachedData
  return compiled
}

/** A capability call's text as the isolate's door allows it (door.ts MAX_CALL_BYTES), with room for JSON. */
const MAX_CALL_TEXT = 3 * 1024 * 1024

/**
 * The share of the machine's CPU that must have been idle during a run for an idle run to be
 * blamed for its wall-clock budget: below it, every core was busy (see machine-load.ts).
 */
const MACHINE_IDLE_FOR_WALL = 0.1

/** How far past its wall-clock budget a run that is computing may go while the machine is busy. */
const BUSY_WALL_FACTOR = 3

/** V8's words when isolated-vm refuses an ArrayBuffer past the isolate's memory limit. */
const BUFFER_REFUSED = 'Array buffer allocation failed'

/**
 * @example
 * const sandbox = await Sandbox.create({ capabilities })
 * await sandbox.load(await compileLearnerModule(source))
 * const response = await sandbox.handle({ method: 'GET', url: 'http://app.local/', headers: [], body: null, clockOffsetMs: 0 })
 */
export class Sandbox {
  readonly limits: SandboxLimits
  /** Host work charged to this isolate: capability calls and Web Crypto (see host-work.ts). */
  private hostMs = 0
  private hostCallsInProgress = 0
  private stoppedBy: LimitExceeded | undefined
  /** Set once we dispose the isolate ourselves; disposed without it, V8 hit the memory limit. */
  private disposedHere = false
  /** An ArrayBuffer was refused for memory during the current run (see callCapability). */
  private bufferRefused = false
  /** A statement of this run ran past its deadline: the run ends as that, whatever the app did next. */
  private sqlStopped: string | undefined
  private activeRuns = 0
  private lastHeapBytes = 0
  /** The isolate's time (cpuTime) when it last answered a heap check with a small heap. */
  private calmAtNs: bigint | undefined
  private heapCheck: Promise<void> | undefined
  /** What the isolate claimed in the last finished run, ms (for the bench's phase timings). */
  private lastRunClaimedMs = 0
  private backgroundCpuMs = 0
  private lastCpuSample = 0n
  private lastHostSample = 0
  private readonly stopPlatform = new AbortController()

  private constructor(
    private readonly isolate: IsolatedVm.Isolate,
    private readonly context: IsolatedVm.Context,
    private readonly entries: Record<'load' | 'handle' | 'call' | 'test', IsolatedVm.Reference>,
    limits: SandboxLimits,
    private readonly platform: AbortController,
  ) {
    this.limits = limits
    this.lastCpuSample = isolate.cpuTime
  }

  static async create({ capabilities, limits: given, onUncaughtError }: SandboxOptions): Promise<Sandbox> {
    const limits = { ...DEFAULT_LIMITS, ...given }
    watchMachineLoad()
    const isolate = new ivm.Isolate({ memoryLimit: limits.memoryMb })
    const stopPlatform = new AbortController()
    try {
      const context = await isolate.createContext()
      const jail = context.global
      let sandbox: Sandbox | undefined
      // applySyncPromise takes no `result` options: each reply goes back as a copy (copyInto).
      // The function never throws: a host error thrown into the isolate would carry its stack.
      const door = new ivm.Reference(async (capability: unknown, method: unknown, text: unknown, bytes: unknown) => {
        try {
          let args: unknown
          const decodeStarted = performance.now()
          try {
            args = decodeFromIsolate({ text, bytes }, MAX_CALL_TEXT)
            // Reading the call is host work done for this learner: it counts like the call.
            sandbox?.chargeHostWork(performance.now() - decodeStarted)
          } catch {
            return new ivm.ExternalCopy({ err: { name: 'TypeError', message: 'The sandbox could not read this call.' } }).copyInto({ release: true })
          }
          const reply = sandbox
            ? await sandbox.callCapability(
                capabilities,
                typeof capability === 'string' ? capability : '',
                typeof method === 'string' ? method : '',
                args,
              )
            : { err: { name: 'Error', message: 'The sandbox is still starting' } }
          return new ivm.ExternalCopy(reply).copyInto({ release: true })
        } catch (error) {
          const id = reportInternalError(error, 'door')
          return new ivm.ExternalCopy({ err: internalReply(id) }).copyInto({ release: true })
        }
      })
      await jail.set('__sandboxDoor', door)
      await installPlatform(context, {
        signal: stopPlatform.signal,
        onUncaughtError,
        // Web Crypto work runs on host threads: it counts like a capability call.
        onHostWork: (ms) => sandbox?.chargeHostWork(ms),
      })
      const prelude = await compileCached(isolate, preludeScript, 'sandbox:prelude')
      await prelude.run(context, { timeout: 5000 })
      const loadRef = (await jail.get('__sandboxLoad', { reference: true })) as IsolatedVm.Reference
      const handleRef = (await jail.get('__sandboxHandle', { reference: true })) as IsolatedVm.Reference
      const callRef = (await jail.get('__sandboxCall', { reference: true })) as IsolatedVm.Reference
      const testRef = (await jail.get('__sandboxTest', { reference: true })) as IsolatedVm.Reference
      await context.eval(
        'delete globalThis.__sandboxLoad; delete globalThis.__sandboxHandle; delete globalThis.__sandboxCall; delete globalThis.__sandboxTest',
      )
      sandbox = new Sandbox(isolate, context, { load: loadRef, handle: handleRef, call: callRef, test: testRef }, limits, stopPlatform)
      watchInBackground(sandbox)
      return sandbox
    } catch (error) {
      stopPlatform.abort()
      if (!isolate.isDisposed) isolate.dispose()
      throw error
    }
  }

  get disposed(): boolean {
    return this.isolate.isDisposed
  }

  /** Why a limit stopped this sandbox, if one did. */
  /** CPU time the isolate has used so far, in ns (0 once disposed): a worker reports who is busy. */
  get cpuTimeNs(): bigint {
    return this.isolate.isDisposed ? 0n : this.isolate.cpuTime
  }

  get stopReason(): LimitExceeded | undefined {
    this.noteIfDisposedByV8()
    return this.stoppedBy
  }

  /**
   * isolated-vm disposes an isolate past its memory limit by itself, and not always during the
   * run that passed it (a collection after the answer, or a timer): with no reason of ours, the
   * memory limit is the reason.
   */
  private noteIfDisposedByV8(): void {
    if (this.isolate.isDisposed && !this.disposedHere) this.stoppedBy ??= new LimitExceeded('memory', LIMIT_MESSAGES.memory(this.limits))
  }

  /**
   * Asks the isolate for its heap size without waiting: isolated-vm answers when the isolate is
   * next idle (between runs, or timers), and its time is noted if the heap was under half its
   * limit. A program that grows its heap in one long run is never idle to answer. The worker
   * supervisor uses this to tell a busy neighbour from the program that killed V8.
   */
  checkHeapWhenIdle(): void {
    if (this.heapCheck || this.isolate.isDisposed) return
    const small = (this.limits.memoryMb * 1024 * 1024) / 2
    this.heapCheck = this.isolate
      .getHeapStatistics()
      .then(
        (stats) => {
          if (stats.total_heap_size + stats.externally_allocated_size < small) this.calmAtNs = this.cpuTimeNs
        },
        () => {},
      )
      .finally(() => (this.heapCheck = undefined))
  }

  /**
   * Whether a heap check found the isolate idle with a small heap at most `ms` of its own time
   * ago: isolate time, not wall time, so a machine too busy to run it soon changes nothing.
   */
  calmWithin(ms: number): boolean {
    return this.calmAtNs !== undefined && this.cpuTimeNs - this.calmAtNs <= BigInt(ms * 1e6)
  }

  /**
   * Bytes the isolate holds, for the session's share of the memory budget. Asks the isolate
   * only when it is idle: the sync form waits for the isolate's lock, so calling it while
   * learner code loops would freeze the host until the loop is stopped, which only the host
   * can do. While busy it answers the last figure.
   */
  async heapBytes(): Promise<number> {
    if (this.isolate.isDisposed) return 0
    if (this.activeRuns === 0) {
      const stats = await this.isolate.getHeapStatistics().catch(() => undefined)
      if (stats) this.lastHeapBytes = stats.total_heap_size + stats.externally_allocated_size
    }
    return this.lastHeapBytes
  }

  /** Runs the learner's compiled module (from compileLearnerModule) and keeps its app. */
  async load({ code, usesTests, libraries }: Pick<CompiledModule, 'code' | 'usesTests' | 'libraries'>): Promise<void> {
    await this.guard(async () => {
      const script = await this.isolate.compileScript(`(function (require, module, exports) {${code}\n})`, {
        filename: 'app.js',
      })
      const factory = (await script.run(this.context, { reference: true })) as IsolatedVm.Reference
      const evaluator = async (cached: CachedScript, filename: string) =>
        (await (await compileCached(this.isolate, cached, filename)).run(this.context, { reference: true })) as IsolatedVm.Reference
      const testLibrary = usesTests ? await evaluator(testLibraryScript, 'sandbox:test') : undefined
      // Each separate library the module imports, as its name and the function that evaluates it.
      const separate: IsolatedVm.Reference[] = []
      for (const name of libraries) {
        if (!libraryScripts.has(name)) libraryScripts.set(name, { build: () => buildLibrary(name) })
        separate.push(await evaluator(libraryScripts.get(name)!, `sandbox:${name}`))
      }
      try {
        await this.entries.load.apply(
          undefined,
          [factory.derefInto(), testLibrary?.derefInto(), ...libraries.flatMap((name, index) => [name, separate[index]!.derefInto()])],
          { result: { promise: true } },
        )
      } catch (error) {
        throw new LearnerModuleError(learnerMessage(error))
      } finally {
        factory.release()
        testLibrary?.release()
        for (const reference of separate) reference.release()
      }
    })
  }

  /**
   * Runs the tests the learner's module registered with `sandbox/test`, under the same limits
   * as a request. Resolves to one result per test, in order (none when the module has no
   * tests); throws LimitExceeded when a budget is spent.
   */
  async runTests(clockOffsetMs: number): Promise<TestResult[]> {
    const results = await this.guard(() =>
      this.entries.test.apply(undefined, [clockOffsetMs], { arguments: { copy: true }, result: { promise: true, copy: true } }),
    )
    // Built inside the isolate, where learner code can change built-ins: check before use.
    if (!Value.Check(TestResults, results)) {
      throw new LearnerModuleError(
        'Your tests ran, but their results came back garbled: does your code replace built-in objects such as Array or Date?',
      )
    }
    return results
  }

  /** Sends one request through the learner's app. Throws LimitExceeded when a budget is spent. */
  async handle(request: SandboxRequest): Promise<SandboxResponse> {
    const started = performance.now()
    const plain: PlainRequest = { ...request, maxBodyBytes: this.limits.maxResponseBytes }
    const result = (await this.guard(() =>
      this.entries.handle.apply(undefined, [plain], { arguments: { copy: true }, result: { promise: true, copy: true } }),
    )) as PlainResponse
    if (result.tooLarge)
      throw new LimitExceeded('output', result.what === 'headers' ? headersTooLarge(this.limits) : LIMIT_MESSAGES.output(this.limits))
    const copyStarted = performance.now()
    const response = checkedResponse(result, this.limits)
    const finished = performance.now()
    addPhaseTime('copyOut', finished - copyStarted)
    addPhaseTime('isolate', this.lastRunClaimedMs)
    addPhaseTime('sandbox', finished - started)
    return response
  }

  /**
   * Calls a function the learner's module exports (`"notes.create"`), with copied arguments and
   * a copied result, under the same limits as a request: for checks that test a service alone.
   */
  async call(path: string, args: unknown[], clockOffsetMs: number): Promise<unknown> {
    const message = await this.guard(() =>
      this.entries.call.apply(undefined, [path, args, clockOffsetMs], { arguments: { copy: true }, result: { promise: true, copy: true } }),
    )
    try {
      return decodeFromIsolate(message, MAX_CALL_TEXT)
    } catch {
      throw new LearnerModuleError(`The value ${path} returned could not be read: return plain data (objects, arrays, strings, numbers).`)
    }
  }

  dispose(): void {
    this.noteIfDisposedByV8()
    this.disposedHere = true
    idleSandboxes.delete(this)
    this.platform.abort()
    if (!this.isolate.isDisposed) this.isolate.dispose()
  }

  /** Host work done for this isolate outside a capability call (Web Crypto), charged like one. */
  chargeHostWork(ms: number): void {
    this.hostMs += ms
  }

  /** Called by the background sampler; see BACKGROUND_SAMPLE_MS. */
  sampleBackgroundCpu(): void {
    if (this.isolate.isDisposed) return this.dispose()
    const now = this.isolate.cpuTime
    const hostNow = this.hostTime()
    // Host calls made from timers (a slow query every tick) cost the server as much as a loop.
    const ranSince = now !== this.lastCpuSample
    const spent = Number(now - this.lastCpuSample) / 1e6 + (hostNow - this.lastHostSample)
    this.lastCpuSample = now
    this.lastHostSample = hostNow
    if (this.activeRuns > 0) return
    this.backgroundCpuMs = Math.max(0, this.backgroundCpuMs + spent - BACKGROUND_ALLOWANCE_MS)
    if (this.backgroundCpuMs >= this.limits.cpuMs) {
      this.stop(
        'cpu',
        `Code running between requests (a timer or an unawaited promise) used more than ${this.limits.cpuMs / 1000} s of CPU time: look for a setInterval or a loop that never ends.`,
      )
    }
    // A timer can build a huge array as surely as a run: measured only when something ran.
    else if (ranSince) {
      void this.stopIfHeapPastLimit(
        `Code running between requests (a timer or an unawaited promise) used more than ${this.limits.memoryMb} MB of memory: look for an array or string that keeps growing.`,
      )
    }
  }

  /** Disposes the isolate because a budget is spent; the first reason given is the one reported. */
  private stop(limit: LimitKind, message = LIMIT_MESSAGES[limit](this.limits)) {
    this.stoppedBy ??= limit === 'busy' ? new ServerBusy() : new LimitExceeded(limit, message)
    this.dispose()
  }

  /**
   * Host work charged so far: finished calls only. A call in progress may be waiting (in the
   * SQLite child's queue, for a thread), which is not the learner's work; a call that never
   * ends is the wall-clock deadline's to stop.
   */
  private hostTime(): number {
    return this.hostMs
  }

  /**
   * Ends the isolate as the memory limit when its heap is past HELD_HEAP_FACTOR times the limit.
   * Asks when the isolate is next idle (never the sync form: see heapBytes).
   */
  private async stopIfHeapPastLimit(message?: string): Promise<void> {
    if (this.isolate.isDisposed) return
    const stats = await this.isolate.getHeapStatistics().catch(() => undefined)
    if (!stats || this.isolate.isDisposed) return
    // The question itself runs on the isolate and moves its cpuTime: not the learner's, and not
    // a reason for the background sampler to ask again.
    this.lastCpuSample = this.isolate.cpuTime
    this.lastHeapBytes = stats.total_heap_size + stats.externally_allocated_size
    const held = stats.used_heap_size + stats.externally_allocated_size
    if (held > HELD_HEAP_FACTOR * this.limits.memoryMb * 1024 * 1024) this.stop('memory', message)
  }

  /** Runs `work` in the isolate under the CPU and wall-clock budgets. */
  private async guard<T>(work: () => Promise<T>): Promise<T> {
    // The isolate disposed itself (memory) or was stopped earlier.
    const limitError = () => (this.stoppedBy ??= new LimitExceeded('memory', LIMIT_MESSAGES.memory(this.limits)))
    if (this.isolate.isDisposed) throw limitError()
    const { cpuMs, wallMs } = this.limits
    const startCpu = this.isolate.cpuTime
    const startHost = this.hostTime()
    const startWall = performance.now()
    const startProcessCpu = process.cpuUsage()
    // isolated-vm's cpuTime is wall time while the isolate holds its lock, so on a busy machine
    // it counts time the OS gave to others. The whole process cannot have used less CPU than
    // this isolate did: the smaller of the two is the learner's own work.
    // With other runs computing at the same time, the process's CPU is theirs too: this run is
    // charged its part of it, in proportion to what each run's isolate claimed meanwhile.
    const run: ActiveRun = { isolate: this.isolate, startCpu }
    activeRuns.add(run)
    const claimedByAllAtStart = claimedByAll()
    const claimedCpu = () => claimedBy(run)
    const usedCpu = () => {
      const { user, system } = process.cpuUsage(startProcessCpu)
      const claimed = claimedCpu()
      const share = ((user + system) / 1000) * (claimed / Math.max(claimed, claimedByAll() - claimedByAllAtStart, 1e-6))
      return Math.min(claimed, share) + (this.hostTime() - startHost)
    }
    let timer: NodeJS.Timeout | undefined
    const watch = () => {
      if (this.isolate.isDisposed) return
      const cpu = usedCpu()
      const wall = performance.now() - startWall
      if (cpu >= cpuMs) return this.stop('cpu')
      if (wall >= wallMs) {
        // Idle most of the time and waiting on nothing of ours: a promise that never settles.
        // While every core was busy the run may instead never have been given a thread, so it
        // gets the busy case's extra time first; idle to the end of it, it is the wall all the same.
        if (claimedCpu() < wall / 2 && this.hostCallsInProgress === 0) {
          const idleShare = idleShareSince(startWall)
          const machineHadRoom = idleShare === undefined || idleShare >= MACHINE_IDLE_FOR_WALL
          if (machineHadRoom || wall >= wallMs * BUSY_WALL_FACTOR) return this.stop('wall')
        }
        // Computing all along yet short of its CPU, or waiting for the host (the SQLite child's
        // queue): the machine is busy. Give the run the CPU it is owed (a real loop still ends
        // as the CPU limit) up to BUSY_WALL_FACTOR times the wall budget; past that the
        // server, not the code, is at fault.
        else if (wall >= wallMs * BUSY_WALL_FACTOR) return this.stop('busy')
      }
      const wallLeft = wall < wallMs ? wallMs - wall : wallMs * BUSY_WALL_FACTOR - wall
      timer = setTimeout(watch, Math.max(2, Math.min(cpuMs - cpu, wallLeft)))
    }
    timer = setTimeout(watch, Math.min(cpuMs, wallMs))
    this.activeRuns++
    try {
      const result = await work()
      // Not awaited: the isolate answers when it is next idle, and a timer the run started may
      // be computing by then (the answer must not wait on it). Past the limit, the isolate is
      // disposed there and then, and the app's next request says why.
      if (claimedCpu() >= HEAP_CHECK_MIN_CPU_MS) void this.stopIfHeapPastLimit()
      if (this.bufferRefused) this.stop('memory')
      if (this.sqlStopped) this.stop('cpu', this.sqlStopped)
      // A run can finish just after spending its budget (a slow host call, then a quick return).
      if (!this.isolate.isDisposed && usedCpu() >= cpuMs) this.stop('cpu')
      if (this.isolate.isDisposed) throw limitError()
      return result
    } catch (error) {
      void this.stopIfHeapPastLimit()
      // isolated-vm refuses an ArrayBuffer past the limit with an error the app could catch.
      if (this.bufferRefused || (error as Error)?.message?.includes(BUFFER_REFUSED)) this.stop('memory')
      if (this.sqlStopped) this.stop('cpu', this.sqlStopped)
      if (this.isolate.isDisposed) throw limitError()
      if (error instanceof LearnerModuleError) throw error
      throw new LearnerModuleError(learnerMessage(error))
    } finally {
      this.activeRuns--
      this.lastRunClaimedMs = claimedBy(run)
      finishedClaimed += this.lastRunClaimedMs
      activeRuns.delete(run)
      this.bufferRefused = false
      this.sqlStopped = undefined
      clearTimeout(timer)
    }
  }

  /**
   * The door: one capability call from the isolate, timed and charged to the run. A
   * LearnerFacingError crosses with its name and message; anything else is internal: logged
   * here with an id, and the learner sees only that id.
   */
  private async callCapability(capabilities: HostCapabilities, capability: string, method: string, args: unknown) {
    const started = performance.now()
    const meter: HostWorkMeter = { reportedMs: undefined }
    this.hostCallsInProgress++
    try {
      // Hono answers a refused ArrayBuffer with a 500 and logs it: that is the memory limit, so
      // end the run as one (stopping here, inside the isolate's call, is not safe).
      if (capability === 'log' && Array.isArray(args) && typeof args[1] === 'string' && args[1].includes(BUFFER_REFUSED)) this.bufferRefused = true
      const table = Object.hasOwn(capabilities, capability) ? capabilities[capability]! : undefined
      const fn = table && Object.hasOwn(table, method) ? table[method] : undefined
      if (typeof fn !== 'function') return { err: { name: 'TypeError', message: `sandbox.${capability}.${method} does not exist` } }
      return { ok: await meterHostWork(meter, () => fn(...(Array.isArray(args) ? args : []))) }
    } catch (error) {
      if (error instanceof LearnerFacingError) {
        if (error.name === 'SqlTimeoutError') {
          // Ended when the run returns (stopping inside the isolate's call is not safe), or
          // soon, for a statement sent between requests.
          this.sqlStopped = error.message
          setImmediate(() => this.stop('cpu', error.message))
        }
        return { err: { name: error.name, message: error.message } }
      }
      return { err: internalReply(reportInternalError(error, `capability ${capability}.${method}`)) }
    } finally {
      this.hostCallsInProgress--
      const served = performance.now() - started
      // The work the capability reported, not the time spent waiting for it (see host-work.ts).
      this.hostMs += meter.reportedMs ?? served
      addPhaseTime(capability === 'log' ? 'learnerLogs' : 'capabilities', served)
    }
  }
}

/** What the learner sees of an internal error: that it was ours, and the id to quote. */
function internalReply(id: string) {
  return { name: 'Error', message: `The sandbox failed on its side (internal error ${id}); please try again.` }
}

/**
 * An error from inside the isolate, as the learner should read it: its message and where in
 * their code it happened (the first `app.js` frame, mapped to app.ts by the session), never
 * host frames.
 */
function learnerMessage(error: unknown): string {
  const { name, message, stack } = error as Error
  const where = typeof stack === 'string' ? /\bapp\.js:\d+:\d+/.exec(stack)?.[0] : undefined
  return `${name && name !== 'Error' ? `${name}: ` : ''}${message ?? String(error)}${where ? ` (at ${where})` : ''}`
}
