/**
 * Puts a PlatformHost into an isolate's context as `globalThis.__platformHost`, for the
 * platform prelude (globals.ts) to take and delete. Run it after creating the context and
 * before the prelude.
 *
 * isolated-vm Callbacks copy arguments and results but cannot carry a promise back (measured:
 * an async host function in `{ async: true }` mode fails with "#<Promise> could not be
 * cloned"). So a host function the contract marks `async` is started through an `ignored`
 * Callback with a ticket, and its outcome is delivered later by calling a small in-isolate
 * `settle(ticket, outcome)` through a Reference that only the host holds. The isolate sees a
 * function returning a promise, as the contract says. Nothing of the host but Callbacks ever
 * enters the isolate: no Reference, no host object, not the engine module.
 */
import { ivm, type IsolatedVm } from '../isolated-vm.ts'
import { PLATFORM_HOST_GLOBAL, PLATFORM_HOST_MODES, type PlatformHost } from './contract.ts'
import { createPlatformBridge, type PlatformBridgeOptions } from './host.ts'

type HostFunctionName = keyof PlatformHost

const NAMES = Object.keys(PLATFORM_HOST_MODES) as HostFunctionName[]

// What an async host function delivers if it failed against its own contract (it should not).
const FAILED_OUTCOME: Partial<Record<HostFunctionName, unknown>> = {
  subtle: { ok: false, name: 'OperationError', message: 'The operation failed for an operation-specific reason' },
  sleep: 'cancelled',
}

/**
 * Runs in the isolate before the prelude: wraps each `async` starter as a promise-returning
 * function, sets the global the prelude takes, and returns `settle` for the host to call.
 */
const BOOTSTRAP = `
  const names = ${JSON.stringify(NAMES)}
  const modes = ${JSON.stringify(PLATFORM_HOST_MODES)}
  const given = Array.prototype.slice.call(arguments)
  // Captured now: learner code runs later and may replace them.
  const apply = Reflect.apply, setPrototypeOf = Object.setPrototypeOf
  const mapGet = Map.prototype.get, mapSet = Map.prototype.set, mapDelete = Map.prototype.delete
  const waiting = new Map()
  let nextTicket = 1
  const host = {}
  names.forEach((name, index) => {
    const fn = given[index]
    host[name] = modes[name] !== 'async' ? fn : (...args) => new Promise((resolve) => {
      const ticket = nextTicket++
      apply(mapSet, waiting, [ticket, resolve])
      fn(ticket, ...args)
    })
  })
  Object.defineProperty(globalThis, ${JSON.stringify(PLATFORM_HOST_GLOBAL)}, { value: host, writable: true, configurable: true })
  // An outcome object loses its prototype, so resolving with it cannot call a \`then\` planted
  // on Object.prototype.
  return function settle(ticket, outcome) {
    const resolve = apply(mapGet, waiting, [ticket])
    if (resolve === undefined) return
    apply(mapDelete, waiting, [ticket])
    resolve(typeof outcome === 'object' && outcome !== null ? setPrototypeOf(outcome, null) : outcome)
  }
`

/**
 * @example
 * const context = await isolate.createContext()
 * installPlatformHost(context, createPlatformBridge({ signal }))
 * await prelude.run(context)   // the bundle of globals.ts; it deletes __platformHost
 */
export function installPlatformHost(context: IsolatedVm.Context, host: PlatformHost): void {
  let settle: IsolatedVm.Reference | undefined
  const deliver = (ticket: number, outcome: unknown) => {
    // Fails only when the isolate is gone, and then nobody is waiting.
    settle?.apply(undefined, [ticket, outcome], { arguments: { copy: true } }).catch(() => {})
  }
  const callbacks = NAMES.map((name) => {
    const fn = host[name] as (...args: unknown[]) => unknown
    const mode = PLATFORM_HOST_MODES[name]
    if (mode !== 'async') return new ivm.Callback((...args: unknown[]) => fn(...args), { [mode]: true })
    return new ivm.Callback(
      (ticket: number, ...args: unknown[]) => {
        Promise.resolve()
          .then(() => fn(...args))
          .then(
            (outcome) => deliver(ticket, outcome),
            () => deliver(ticket, FAILED_OUTCOME[name]),
          )
      },
      { ignored: true },
    )
  })
  settle = context.evalClosureSync(BOOTSTRAP, callbacks, { result: { reference: true } }) as IsolatedVm.Reference
}

/**
 * Creates a bridge for one isolate and installs it: the usual one-liner for the runtime.
 * Pass `options.signal` and abort it when the isolate is disposed, to end its pending timers.
 *
 * @example
 * const stop = new AbortController()
 * await installPlatform(context, { signal: stop.signal, onUncaughtError: (report) => logs.push(report) })
 */
export async function installPlatform(context: IsolatedVm.Context, options: PlatformBridgeOptions = {}): Promise<PlatformHost> {
  const host = createPlatformBridge(options)
  installPlatformHost(context, host)
  return host
}
