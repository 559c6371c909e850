/**
 * Inside the isolate: the prelude that runs before any learner code. It installs the web
 * platform and console, makes `Date` follow the session clock, and defines the functions
 * the host calls: `__sandboxLoad` (run the learner's compiled module, keep its app),
 * `__sandboxHandle` (one HTTP request through the app), `__sandboxCall` (call a function
 * the module exports, for checks that test a service alone) and `__sandboxTest` (run the tests
 * a learner wrote with `sandbox/test`). The host takes references and
 * deletes the globals, so learner code cannot call or replace them.
 *
 * The libraries learners may import (`hono`, `hono/*`, TypeBox) are handed to
 * `installModules` by the entry that build.ts generates.
 */
import '../platform/globals.ts'
import './intl-budget.ts'
import './string-limits.ts'
import * as sandboxModule from './sandbox-module.ts'
import { droppedLines, reopenConsole, sandboxConsole } from './console.ts'
import { bufferedBytes, readAll } from '../platform/body.ts'
import { encodeForHost, type WireMessage } from '../platform/wire.ts'
import { Response as PlatformResponse, headersAsNodeServerWrites } from '../platform/response.ts'
import { rememberConnection, type PlainRemote } from './conninfo.ts'
import { SEPARATE_LIBRARIES } from '../modules.ts'

// Captured before learner code runs, which may replace the globals (see door.ts).
const NativePromise = Promise
const { setPrototypeOf, getOwnPropertyDescriptor } = Object
const { apply } = Reflect
const responseStatus = getOwnPropertyDescriptor(PlatformResponse.prototype, 'status')!.get!
const responseStatusText = getOwnPropertyDescriptor(PlatformResponse.prototype, 'statusText')!.get!
const stringSlice = String.prototype.slice
const clipText = (text: string, max: number) => (text.length > max ? (apply(stringSlice, text, [0, max]) as string) : text)

type Modules = Record<string, unknown>
const sandboxGlobal = globalThis as typeof globalThis & Record<string, unknown>

const loaders: Record<string, () => unknown> = { sandbox: () => sandboxModule }
const modules: Modules = {}
/** Called once by the generated bundle entry with a loader per library learners may import. */
export function installModules(libraries: Record<string, () => unknown>) {
  Object.assign(loaders, libraries)
}

Object.defineProperty(globalThis, 'console', { value: sandboxConsole, writable: true, configurable: true })
// Not needed by any lesson, and WebAssembly memory would sit outside the isolate's budget.
Reflect.deleteProperty(globalThis, 'WebAssembly')
// Memory the isolate's limit does not see: a resizable ArrayBuffer or a growable
// SharedArrayBuffer reserves its maximum up front and commits pages as it grows, past the
// limit (measured: 512 MB in a 64 MB isolate). No lesson needs either, so both are refused.
Reflect.deleteProperty(globalThis, 'SharedArrayBuffer')
Reflect.deleteProperty(globalThis, 'Atomics')
{
  const NativeArrayBuffer = ArrayBuffer
  const construct = Reflect.construct
  const refuseResizable = () => {
    throw new TypeError('Resizable ArrayBuffers are not available in the sandbox: allocate the size you need with new ArrayBuffer(length).')
  }
  const SandboxArrayBuffer: ArrayBufferConstructor = new Proxy(NativeArrayBuffer, {
    construct(target, args, newTarget): object {
      // Options are never passed on (a getter could answer differently on a second read):
      // any that asks for a maximum is refused, and the buffer gets its length only.
      const options: unknown = args[1]
      if ((typeof options === 'object' && options !== null) || typeof options === 'function') {
        if ((options as { maxByteLength?: unknown }).maxByteLength !== undefined) refuseResizable()
      }
      return construct(target, [args[0]], newTarget)
    },
  })
  Object.defineProperty(NativeArrayBuffer.prototype, 'constructor', { value: SandboxArrayBuffer, writable: true, configurable: true })
  Object.defineProperty(NativeArrayBuffer.prototype, 'resize', { value: refuseResizable, writable: true, configurable: true })
  Object.defineProperty(globalThis, 'ArrayBuffer', { value: SandboxArrayBuffer, writable: true, configurable: true })
}

// Date follows the session clock: the host sends the clock's offset with every request.
let clockOffsetMs = 0
const RealDate = Date
const realNow = RealDate.now
class SessionDate extends RealDate {
  constructor(...args: unknown[]) {
    if (args.length === 0) super(realNow() + clockOffsetMs)
    else super(...(args as [string]))
  }
  static override now() {
    return realNow() + clockOffsetMs
  }
}
Object.defineProperty(globalThis, 'Date', { value: SessionDate, writable: true, configurable: true })

function requireModule(name: string): unknown {
  if (Object.prototype.hasOwnProperty.call(modules, name)) return modules[name]
  if (!Object.prototype.hasOwnProperty.call(loaders, name)) throw new Error(`Cannot import "${name}" in the sandbox`)
  return (modules[name] = loaders[name]!())
}

interface FetchApp {
  fetch(request: Request, env?: unknown, context?: unknown): Response | Promise<Response>
}
let app: FetchApp | undefined
let learnerExports: Record<string, unknown> = {}

/** The test library's `runTests`, once the learner's module has imported `sandbox/test`. */
let runTests: (() => Promise<unknown>) | undefined

/**
 * Before a learner's tests run: tests are graded by whether they catch bugs planted in the app,
 * so they must judge what the app does, not how its code reads, and must not be able to change
 * how the runner records their outcome. Function sources are hidden (the test file is bundled
 * with the app, so any function's text would show the app's), and Promise is frozen, since
 * the runner's `await` looks up `constructor` and `then` on promises.
 */
function judgeBehaviourOnly() {
  // Captured: a learner could otherwise patch RegExp or String methods to see the real text.
  const { apply } = Reflect
  const nativeToString = Function.prototype.toString
  const endsWith = String.prototype.endsWith
  function toString(this: unknown): string {
    const source = apply(nativeToString, this, []) as string
    if (apply(endsWith, source, ['[native code] }'])) return source
    const name = typeof this === 'function' ? this.name : ''
    return `function ${name}() { [source hidden: tests in the sandbox judge what an app does, not how its code reads] }`
  }
  Object.defineProperty(Function.prototype, 'toString', { value: toString, writable: true, configurable: true })
  Object.freeze(Promise.prototype)
  Object.freeze(Promise)
  // A test that wraps db.get or log.info to record the app's calls detects a change of code,
  // not of behaviour: the sandbox module's objects cannot be changed here.
  for (const part of Object.values(sandboxModule)) if (typeof part === 'object' && part !== null) Object.freeze(part)
  hideCodePositions()
}

/**
 * Where code sits in the bundle tells the real app from a mutant (a planted bug changes the
 * app's length, and every position after it), so in a test isolate stack traces carry no line
 * or column: V8 formats every stack through this fixed `Error.prepareStackTrace`, which keeps
 * the first position in the learner's file aside for the runner (to show which line failed)
 * and writes `app.js` without it. CallSites never reach learner code.
 */
const failurePositions = new WeakMap<object, string>()
const weakMapGet = WeakMap.prototype.get
const weakMapSet = WeakMap.prototype.set

/** The runner's way to the position a failure happened at (`app.js:LINE:COLUMN`), if any. */
export function failurePosition(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null ? (Reflect.apply(weakMapGet, failurePositions, [error]) as string | undefined) : undefined
}

function hideCodePositions() {
  const { apply } = Reflect
  const StringOf = String
  interface Site {
    getFileName(): string | null
    getLineNumber(): number | null
    getColumnNumber(): number | null
    getFunctionName(): string | null
  }
  function prepareStackTrace(error: unknown, sites: Site[]): string {
    let header = 'Error'
    try {
      const { name, message } = error as { name?: unknown; message?: unknown }
      header = message ? `${StringOf(name ?? 'Error')}: ${StringOf(message)}` : StringOf(name ?? 'Error')
    } catch {}
    let text = header
    let kept = false
    for (let index = 0; index < sites.length; index++) {
      const site = sites[index]!
      const file = site.getFileName()
      const fn = site.getFunctionName()
      const where = file === 'app.js' ? 'app.js' : StringOf(file ?? 'native')
      text += `\n    at ${fn ? `${fn} (${where})` : where}`
      if (!kept && file === 'app.js' && typeof error === 'object' && error !== null) {
        apply(weakMapSet, failurePositions, [error, `app.js:${site.getLineNumber()}:${site.getColumnNumber()}`])
        kept = true
      }
    }
    return text
  }
  Object.defineProperty(Error, 'prepareStackTrace', { value: prepareStackTrace, writable: false, configurable: false })
}

/**
 * Runs the learner's compiled module. `testLibrary`, given when the module imports
 * `sandbox/test`, evaluates that library (a script of its own, see build.ts); `separate` is a
 * name and an evaluating function for each of SEPARATE_LIBRARIES the module imports.
 */
sandboxGlobal.__sandboxLoad = (
  factory: (require: unknown, module: unknown, exports: unknown) => void,
  testLibrary?: () => { runTests(): Promise<unknown> } & Record<string, unknown>,
  ...separate: unknown[]
) => {
  for (let index = 0; index + 1 < separate.length; index += 2) {
    const evaluate = separate[index + 1] as () => { modules: Record<string, unknown> }
    let evaluated: Record<string, unknown> | undefined
    for (const module of SEPARATE_LIBRARIES[separate[index] as string] ?? []) {
      loaders[module] = () => (evaluated ??= evaluate().modules)[module]
    }
  }
  if (testLibrary) {
    judgeBehaviourOnly()
    loaders['sandbox/test'] = () => {
      const {
        runTests: run,
        useFailurePositions,
        ...api
      } = testLibrary() as Record<string, unknown> & {
        runTests(): Promise<unknown>
        useFailurePositions(lookup: typeof failurePosition): void
      }
      useFailurePositions(failurePosition)
      runTests = run
      return api
    }
  }
  const module = { exports: {} as Record<string, unknown> }
  factory(requireModule, module, module.exports)
  learnerExports = module.exports
  const exported = module.exports.default ?? module.exports.app
  if (!exported || typeof (exported as FetchApp).fetch !== 'function') {
    throw new Error(
      'Your code must export its Hono app: end it with `export default app` (or `export { app }`), where app is a Hono app (const app = new Hono())',
    )
  }
  app = exported as FetchApp
}

export interface PlainRequest {
  method: string
  url: string
  headers: [string, string][]
  body: Uint8Array | null
  clockOffsetMs: number
  maxBodyBytes: number
  remote?: PlainRemote
}

/** The most a function called by a check (`t.call`) may return, counted as written out. */
const MAX_CALL_RESULT_BYTES = 1024 * 1024
/** Response headers as sent to the host, names and values together (the host allows 64 KB). */
const MAX_HEADER_BYTES = 128 * 1024

export type PlainResponse =
  | { status: number; statusText: string; headers: WireMessage; body: Uint8Array | null; tooLarge: false; droppedLogs: number }
  | { tooLarge: true; bytes: number; what?: 'headers' }

/** Calls an exported function by its path, e.g. "notes.create" or "totalOf", with copied arguments. */
sandboxGlobal.__sandboxCall = async (path: string, args: unknown[], clockOffset: number): Promise<unknown> => {
  clockOffsetMs = clockOffset
  reopenConsole()
  const names = path.split('.')
  let owner: unknown = learnerExports
  for (const name of names.slice(0, -1)) owner = (owner as Record<string, unknown> | undefined)?.[name]
  const fn = (owner as Record<string, unknown> | undefined)?.[names[names.length - 1]!]
  if (typeof fn !== 'function')
    throw new Error(`Your module does not export a function ${path}: add \`export\` to it (export const ${names[0]} = ...)`)
  const value = await fn.apply(owner, args)
  // The value crosses as one measured JSON text (wire.ts), never as a graph the host must walk.
  return encodeForHost(value === undefined ? null : value, MAX_CALL_RESULT_BYTES, `the value ${path} returned`)
}

/** Runs the tests the learner's module registered, in order; see test-library.ts. */
sandboxGlobal.__sandboxTest = async (clockOffset: number): Promise<unknown> => {
  clockOffsetMs = clockOffset
  reopenConsole()
  // A module that never imported sandbox/test has no tests: an empty run, which checks explain.
  return runTests ? await runTests() : []
}

sandboxGlobal.__sandboxHandle = async (plain: PlainRequest): Promise<PlainResponse> => {
  if (!app) throw new Error('No app is loaded')
  clockOffsetMs = plain.clockOffsetMs
  reopenConsole()
  const hasBody = plain.body !== null && plain.method !== 'GET' && plain.method !== 'HEAD'
  const request = new Request(plain.url, {
    method: plain.method,
    headers: plain.headers,
    body: hasBody ? (plain.body as Uint8Array<ArrayBuffer>) : null,
  })
  rememberConnection(request, plain.remote)
  // A synchronous handler's Response is used as it is: awaiting an object looks up its `then`,
  // which learner code may have planted on Object.prototype.
  const fetched = app.fetch(request, {}, { waitUntil() {}, passThroughOnException() {}, props: {} })
  const response = fetched instanceof NativePromise ? await fetched : fetched
  if (!(response instanceof PlatformResponse)) {
    throw new Error(
      `Your app returned ${response === undefined ? 'nothing' : typeof response} instead of a Response: did a handler forget to return c.json(...) or c.text(...)?`,
    )
  }
  let status: number
  let statusText: string
  try {
    // Through the platform's own accessors: a subclass's getter could return any graph.
    status = apply(responseStatus, response, []) as number
    statusText = clipText(apply(responseStatusText, response, []) as string, 1024)
  } catch {
    throw new Error('Your app answered with a stand-in for a Response (a Proxy or a copy): return the Response itself, e.g. c.json(...).')
  }
  let body = bufferedBytes(response)
  if (body === undefined) {
    // The platform types its streams with web-streams-polyfill; the DOM lib types Response.body.
    const read = await readAll(response.body as unknown as Parameters<typeof readAll>[0], plain.maxBodyBytes)
    if (typeof read === 'number') return setPrototypeOf({ tooLarge: true, bytes: read }, null)
    body = read
  } else if (body !== null && body.byteLength > plain.maxBodyBytes) {
    return setPrototypeOf({ tooLarge: true, bytes: body.byteLength }, null)
  }
  let headers: WireMessage
  try {
    headers = encodeForHost(headersAsNodeServerWrites(response), MAX_HEADER_BYTES, 'your response headers')
  } catch {
    return setPrototypeOf({ tooLarge: true, bytes: MAX_HEADER_BYTES, what: 'headers' }, null)
  }
  // No prototype: the async function's promise must not find a planted `then` on its result.
  return setPrototypeOf(
    {
      status,
      statusText,
      headers,
      // null is "no body", which the host's HTTP layer answers without a Content-Type; an empty
      // byte array is a body of length 0, to which @hono/node-server adds its default type.
      body,
      tooLarge: false,
      droppedLogs: droppedLines(),
    },
    null,
  )
}
