/**
 * Inside the isolate: `sandbox/test`, the module learners write their own tests with. `expect`
 * is Vitest's own (its matchers on chai, from @vitest/expect), so what learners write here works
 * unchanged in a real project; `test`, `it` and `describe` only collect, and the host decides
 * when the tests run (`runTests`, one after another, each failure with its message and line).
 *
 * Built as its own script (build.ts) and run only in isolates whose module imports it: most
 * learner apps never do, and the other isolates should not carry chai.
 *
 * The learner's tests run in this realm and may change any built-in, so the runner's verdict
 * is recorded only with built-ins captured here, before the learner's module runs (the prelude
 * evaluates this library when the module imports it), and handed back in arrays and objects
 * with no prototype.
 */
import { createExpect } from './vitest-expect.ts'
import type { TestResult } from '../test-result.ts'

const { apply } = Reflect
const { setPrototypeOf } = Object
const { now } = Date
const arrayPush = Array.prototype.push
const StringOf = String
/** `list.push(value)` with the push captured now. */
const push = <T>(list: T[], value: T) => void apply(arrayPush, list, [value])
/** A record the host reads: no prototype, so no planted getter or `then` can show through it. */
const record = <T extends object>(value: T): T => setPrototypeOf(value, null)

/** The test running now: `.resolves` / `.rejects` assertions record their promises on it. */
let current: { promises?: Promise<unknown>[] } | undefined

export const expect = createExpect(() => current)

type TestBody = () => unknown
interface Suite {
  name: string
  beforeAll: TestBody[]
  beforeEach: TestBody[]
  afterEach: TestBody[]
  afterAll: TestBody[]
  /** Set when its first test starts: the beforeAll hooks' outcome, shared by its tests. */
  started?: Promise<void>
}
const newSuite = (name: string): Suite => ({ name, beforeAll: [], beforeEach: [], afterEach: [], afterAll: [] })
/** The describe blocks open while the module runs; the first is the file itself. */
const suites: Suite[] = [newSuite('')]
const collected: { name: string; body: TestBody; suites: Suite[] }[] = []

/** Registers a test; it runs when the host asks (Run tests, or grading). */
export function test(name: string, body: TestBody): void {
  if (typeof name !== 'string' || typeof body !== 'function') throw new TypeError('test(name, fn) needs a name and a function')
  if (collected.length >= MAX_TESTS) throw new RangeError(`A file may hold at most ${MAX_TESTS} tests.`)
  const fullName = suites
    .slice(1)
    .map((suite) => suite.name)
    .concat(name)
    .join(' > ')
  push(collected, {
    // A fresh, short copy: results cross to the host, and one long name must not count many times.
    name: typeof fullName === 'string' ? apply(stringSlice, fullName, [0, MAX_NAME]) : 'test',
    body,
    suites: [...suites],
  })
}
export const it = test

/** Groups tests under a name: "cart > totals > adds VAT". */
export function describe(name: string, body: () => void): void {
  suites.push(newSuite(name))
  try {
    body()
  } finally {
    suites.pop()
  }
}

/** Runs before each test of the enclosing describe (or of the file). */
export function beforeEach(hook: TestBody): void {
  suites.at(-1)!.beforeEach.push(hook)
}

/** Runs after each test of the enclosing describe (or of the file), even a failed one. */
export function afterEach(hook: TestBody): void {
  suites.at(-1)!.afterEach.push(hook)
}

/** Runs once, before the first test of the enclosing describe (or of the file). */
export function beforeAll(hook: TestBody): void {
  suites.at(-1)!.beforeAll.push(hook)
}

/** Runs once, after every test of the enclosing describe (or of the file) has run. */
export function afterAll(hook: TestBody): void {
  suites.at(-1)!.afterAll.push(hook)
}

/** Runs a suite's beforeAll hooks once; a failure there fails each of its tests with that error. */
function startSuite(suite: Suite): Promise<void> {
  suite.started ??= (async () => {
    for (const hook of suite.beforeAll) await hook()
  })()
  return suite.started
}

/** Runs one test with its hooks; a `.resolves` the test forgot to await is awaited here, as Vitest does. */
async function runOne({ body, suites: open }: (typeof collected)[number]): Promise<void> {
  for (const suite of open) await startSuite(suite)
  current = {}
  try {
    for (const suite of open) for (const hook of suite.beforeEach) await hook()
    await body()
    if (current.promises?.length) {
      await Promise.all(current.promises).catch((error: Error) => {
        error.message += ' (this assertion was not awaited: write await before expect(...).resolves or .rejects)'
        throw error
      })
    }
  } finally {
    current = undefined
    for (const suite of [...open].reverse()) for (const hook of suite.afterEach) await hook()
  }
}

/** Where a failure happened, from the prelude (stack traces in a test isolate carry no positions). */
let positionOf: (error: unknown) => string | undefined = () => undefined

/** Called once by the prelude when it loads this library; not part of what learners import. */
export function useFailurePositions(lookup: typeof positionOf): void {
  positionOf = lookup
}

/** Tests a file may register, and the longest name kept: results cross to the host. */
const MAX_TESTS = 500
const MAX_NAME = 200

/** A failure's message as the host shows it: at most this long (the host maps and cuts it again). */
const MAX_MESSAGE = 8 * 1024
const stringSlice = String.prototype.slice

/** Runs every collected test in order; a test fails when it throws or its promise rejects. */
export async function runTests(): Promise<TestResult[]> {
  const results: TestResult[] = record([])
  const count = collected.length
  for (let index = 0; index < count; index++) {
    const entry = collected[index]!
    const { name } = entry
    const started = now()
    expect.setState({ assertionCalls: 0, currentTestName: name })
    let failure: { error: unknown } | undefined
    try {
      await runOne(entry)
    } catch (error) {
      failure = { error }
    }
    if (failure === undefined) {
      push(results, record({ name, status: 'pass', durationMs: now() - started }))
      continue
    }
    // Reading the stack makes V8 format it, which is when the prelude notes the position.
    const { message, stack: _formatted } = (failure.error ?? {}) as Error
    const text = typeof message === 'string' ? message : StringOf(failure.error)
    push(
      results,
      record({
        name,
        status: 'fail',
        message: text.length > MAX_MESSAGE ? apply(stringSlice, text, [0, MAX_MESSAGE]) : text,
        at: positionOf(failure.error),
        durationMs: now() - started,
      }),
    )
  }
  // afterAll hooks, innermost suites first, for the suites that ran; their errors only cost themselves.
  const ran = [...new Set(collected.flatMap((entry) => entry.suites))].filter((suite) => suite.started).reverse()
  for (const suite of ran)
    for (const hook of suite.afterAll)
      await Promise.resolve()
        .then(hook)
        .catch(() => {})
  return results
}
