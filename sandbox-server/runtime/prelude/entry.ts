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
import * as sandboxModule from './sandbox-module.ts'
import { droppedLines, reopenConsole, sandboxConsole } from './console.ts'
import { readAll } from '../platform/body.ts'

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
 * Runs the learner's compiled module. `testLibrary`, given when the module imports
 * `sandbox/test`, evaluates that library (a script of its own, see build.ts).
 */
sandboxGlobal.__sandboxLoad = (
  factory: (require: unknown, module: unknown, exports: unknown) => void,
  testLibrary?: () => { runTests(): Promise<unknown> } & Record<string, unknown>,
) => {
  if (testLibrary) {
    loaders['sandbox/test'] = () => {
      const { runTests: run, ...api } = testLibrary()
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
}

export type PlainResponse =
  | { status: number; statusText: string; headers: [string, string][]; body: Uint8Array; tooLarge: false; droppedLogs: number }
  | { tooLarge: true; bytes: number }

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
  return await fn.apply(owner, args)
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
  const response = await app.fetch(request, {}, { waitUntil() {}, passThroughOnException() {}, props: {} })
  if (!(response instanceof Response)) {
    throw new Error(
      `Your app returned ${response === undefined ? 'nothing' : typeof response} instead of a Response: did a handler forget to return c.json(...) or c.text(...)?`,
    )
  }
  // The platform types its streams with web-streams-polyfill; the DOM lib types Response.body.
  const stream = response.body as unknown as Parameters<typeof readAll>[0] | null
  const body = stream ? await readAll(stream, plain.maxBodyBytes) : new Uint8Array(0)
  if (typeof body === 'number') return { tooLarge: true, bytes: body }
  return {
    status: response.status,
    statusText: response.statusText,
    headers: [...response.headers],
    body,
    tooLarge: false,
    droppedLogs: droppedLines(),
  }
}
