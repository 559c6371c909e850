/**
 * One function grades: `gradeSubmission` runs an exercise's checks against a submission in a
 * fresh, throwaway session (nothing the learner did while exploring can change the grade),
 * with the seeded database cloned from a template snapshot. The grade endpoint, the Vitest
 * exercise suite and the grader CLI all call it.
 */
import type { SessionStore, AppResponse } from '../sessions/index.ts'
import type { Exercise } from '../exercises/index.ts'
import type { LogEntry } from '../capabilities/index.ts'
import type { TestResult } from '../runtime/test-result.ts'
import { CompileError, LearnerModuleError, LimitExceeded, ServerBusy } from '../runtime/errors.ts'
import { CheckFailure, type CheckContext, type CheckDefinition, type CheckResponse, type RequestOptions, type TestRun } from './checks.ts'
import { createRunValues, type RunValues } from './run-values.ts'
import { checkLine } from './check-source.ts'
import { limitOutput, maxScoreOf, notGraded, type CheckResult, type CheckStatus, type SubmissionResult } from './results.ts'
import { chai, expect } from 'vitest'

const MESSAGE_LIMIT = 2000
// Show whole values in failure messages ("expected { id: 1, name: 'Ada' } to equal ..."), not
// Vitest's default 40-character cut ("{ id: 1, …(1) }"), which hides the field that differs.
chai.config.truncateThreshold = 600

export interface GradeOptions {
  exercise: Exercise
  /** The learner's TypeScript source. */
  code: string
  sessions: SessionStore
  /** Used in reproduction lines, e.g. the learner's live URL; default "$APP_URL". */
  appUrl?: string
  signal?: AbortSignal
}

/** The last request a check sent, to describe failures and reproduce them. */
interface SentRequest {
  method: string
  path: string
  options: RequestOptions
  response?: CheckResponse
}

function shellQuote(text: string) {
  return `'${text.replaceAll("'", `'\\''`)}'`
}

function describeBody(options: RequestOptions): string {
  if (options.json !== undefined) return ` with ${JSON.stringify(options.json)}`
  if (options.body !== undefined) return ` with body ${JSON.stringify(options.body.length > 80 ? `${options.body.slice(0, 80)}…` : options.body)}`
  return ''
}

function curlFor({ method, path, options }: SentRequest, appUrl: string): string {
  const parts = ['curl', '-i']
  if (method !== 'GET') parts.push('-X', method)
  parts.push(shellQuote(`${appUrl.replace(/\/$/, '')}${path}`))
  const headers = { ...(options.json !== undefined ? { 'content-type': 'application/json' } : {}), ...options.headers }
  for (const [name, value] of Object.entries(headers)) parts.push('-H', shellQuote(`${name}: ${value}`))
  const body = options.json !== undefined ? JSON.stringify(options.json) : options.body
  if (body !== undefined) parts.push('-d', shellQuote(body))
  return parts.join(' ')
}

/**
 * The engine's own words when an isolate is stopped ("Isolate is disposed"), which can land in
 * the logs of whichever check runs next: not the learner's output, and never the same twice.
 */
const ENGINE_LINE = /\bIsolate (?:is|was) disposed\b/

function formatOutput(allEntries: LogEntry[]): string | undefined {
  const entries = allEntries.filter(({ message }) => !ENGINE_LINE.test(message))
  if (entries.length === 0) return undefined
  const line = ({ level, message, fields }: LogEntry) =>
    `${level === 'log' ? '' : `[${level}] `}${message}${fields && Object.keys(fields).length ? ` ${JSON.stringify(fields)}` : ''}`
  return limitOutput(entries.map(line).join('\n'))
}

function toCheckResponse(response: AppResponse): CheckResponse {
  const text = new TextDecoder().decode(response.body)
  let json: unknown
  try {
    json = text === '' ? undefined : JSON.parse(text)
  } catch {
    json = undefined
  }
  return { status: response.status, headers: new Headers(response.headers), text, json, logs: response.logs }
}

/**
 * Vitest's assertion message without its notes for programmers: " // Object.is equality", and
 * 0 written "+0" (Vitest tells +0 from -0). For the checks' messages and the learner's own tests.
 */
function plainAssertion(message: string): string {
  return message.replace(' // Object.is equality', '').replace(/(^|[\s([{,])\+0(?=$|[\s)\]},])/g, '$10')
}

/**
 * A check's failure message, prefixed with the request that led to it when it is not already,
 * in plain words (plainAssertion) and at most MESSAGE_LIMIT long.
 */
function failureMessage(error: unknown, last: SentRequest | undefined): string {
  let message = plainAssertion((error as Error).message ?? String(error))
  if (message.length > MESSAGE_LIMIT) message = `${message.slice(0, MESSAGE_LIMIT)}… (shortened)`
  if (error instanceof CheckFailure || !last?.response) return message
  return `${last.method} ${last.path}${describeBody(last.options)} returned ${last.response.status}: ${message}`
}

/**
 * @example
 * const result = await gradeSubmission({ exercise: await loadExercise('crud-notes'), code, sessions })
 * result.status // 'pass' | 'fail' | 'error'
 */
export async function gradeSubmission({ exercise, code, sessions, appUrl = '$APP_URL', signal }: GradeOptions): Promise<SubmissionResult> {
  const started = performance.now()
  const maxScore = maxScoreOf(exercise)
  const ungradable = (message: string) => notGraded(exercise, message, performance.now() - started)

  const session = await sessions.create({
    exerciseId: exercise.id,
    snapshot: await templateFor(exercise, sessions),
    appUnderTest: exercise.appUnderTest,
  })
  try {
    try {
      await sessions.setCode(session.id, code)
    } catch (error) {
      if (error instanceof CompileError || error instanceof LearnerModuleError || error instanceof LimitExceeded) return ungradable(error.message)
      throw error
    }
    const state: Record<string, unknown> = {}
    const values = createRunValues()
    const results: CheckResult[] = []
    let timeoutsInARow = 0
    for (const check of exercise.checks) {
      if (signal?.aborted) throw signal.reason ?? new Error('grading was cancelled')
      // Each limit costs its full budget (a second of CPU): after two in a row, stop spending.
      if (timeoutsInARow >= 2) {
        results.push(skipped(check, 'Skipped: your app hit its limits in two checks in a row. Fix that first (see their messages).'))
        continue
      }
      const result = await runCheck(check, { values, exercise, code, sessionId: session.id, sessions, state, appUrl, results })
      timeoutsInARow = result.status === 'timeout' ? timeoutsInARow + 1 : 0
      results.push(result)
    }
    const score = results.reduce((sum, result) => sum + (result.status === 'pass' ? result.weight : 0), 0)
    return {
      version: 3,
      exerciseId: exercise.id,
      status: results.every((result) => result.status === 'pass') ? 'pass' : 'fail',
      gradable: true,
      score,
      maxScore,
      durationMs: performance.now() - started,
      tests: results,
    }
  } finally {
    await sessions.delete(session.id).catch(() => {})
  }
}

/** The fields that have a value: results carry no `"message": undefined`. */
function definedOnly<T extends Record<string, unknown>>(fields: T): Partial<T> {
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined)) as Partial<T>
}

function skipped(check: CheckDefinition, message: string): CheckResult {
  return { name: check.name, status: 'skipped', message, weight: check.weight ?? 1, durationMs: 0 }
}

interface CheckRun {
  /** Values the app made up in this run, named by origin in the results. */
  values: RunValues
  exercise: Exercise
  code: string
  sessionId: string
  sessions: SessionStore
  state: Record<string, unknown>
  appUrl: string
  results: CheckResult[]
}

/** The app under test with one bug planted: `find` must occur exactly once in it. */
function mutated(app: string, [find, replace]: [string, string]): string {
  const at = app.indexOf(find)
  if (at < 0 || app.indexOf(find, at + 1) >= 0) {
    throw new Error(`the mutant's text ${JSON.stringify(find)} must occur exactly once in app.ts (found ${at < 0 ? 'none' : 'several'})`)
  }
  return app.slice(0, at) + replace + app.slice(at + find.length)
}

export interface TestRunOptions {
  exercise: Exercise
  /** The learner's file of tests. */
  code: string
  sessions: SessionStore
  /** Plant a bug first: replace the one occurrence of `find` in app.ts. */
  mutate?: [find: string, replace: string]
}

/**
 * Runs a learner's tests against the exercise's app under test (or a mutant of it), in a
 * throwaway session on a fresh copy of the seeded database, so every run starts from the same
 * data. Throws CompileError, LearnerModuleError or LimitExceeded as a session does.
 *
 * @example
 * const { tests, logs } = await runLearnerTests({ exercise: await loadExercise('write-the-tests'), code, sessions })
 */
export async function runLearnerTests({ exercise, code, sessions, mutate }: TestRunOptions): Promise<{ tests: TestResult[]; logs: LogEntry[] }> {
  if (exercise.appUnderTest === undefined) throw new Error(`exercise ${exercise.id} has no app under test: add app.ts to its folder`)
  const appUnderTest = mutate ? mutated(exercise.appUnderTest, mutate) : exercise.appUnderTest
  const session = await sessions.create({ exerciseId: exercise.id, snapshot: await templateFor(exercise, sessions), appUnderTest })
  try {
    await sessions.setCode(session.id, code)
    const { tests, logs } = await sessions.runTests(session.id)
    return { tests: tests.map((test) => (test.message === undefined ? test : { ...test, message: plainAssertion(test.message) })), logs }
  } finally {
    await sessions.delete(session.id).catch(() => {})
  }
}

/** For checks: a run that did not finish is a result too (a mutant that loops is caught). */
async function testRunForCheck({ exercise, code, sessions }: CheckRun, mutate?: [string, string]): Promise<TestRun> {
  try {
    return { tests: (await runLearnerTests({ exercise, code, sessions, mutate })).tests }
  } catch (error) {
    if (error instanceof LimitExceeded || error instanceof LearnerModuleError) return { stopped: error.message, busy: error instanceof ServerBusy }
    throw error
  }
}

async function runCheck(check: CheckDefinition, run: CheckRun): Promise<CheckResult> {
  const { values, exercise, sessionId, sessions, state, appUrl, results } = run
  const started = performance.now()
  const weight = check.weight ?? 1
  const hintIndex = Math.min(check.hint ?? 0, exercise.hints.length - 1)
  const hint = hintIndex >= 0 ? exercise.hints[hintIndex]!.text : undefined
  const finish = (status: CheckStatus, { message, output, reproduction }: Partial<CheckResult> = {}): CheckResult => ({
    name: check.name,
    status,
    weight,
    durationMs: Math.round((performance.now() - started) * 100) / 100,
    ...(status === 'pass' ? {} : { hint }),
    ...definedOnly({ message: values.redact(message), output: values.redact(output), reproduction: values.redact(reproduction) }),
  })

  const unmet = (check.requires ?? []).filter((name) => results.find((result) => result.name === name)?.status !== 'pass')
  if (unmet.length) return finish('skipped', { message: `Skipped until this passes: ${unmet.join(', ')}` })

  const session = sessions.get(sessionId)
  const logs: LogEntry[] = []
  let last: SentRequest | undefined
  const context: CheckContext = {
    async request(method, path, options = {}) {
      last = { method: method.toUpperCase(), path, options }
      const headers: [string, string][] = Object.entries({
        ...(options.json !== undefined ? { 'content-type': 'application/json' } : {}),
        ...options.headers,
      })
      const body = options.json !== undefined ? JSON.stringify(options.json) : options.body
      const response = toCheckResponse(
        await sessions.request(sessionId, {
          method: last.method,
          path,
          headers,
          body: body === undefined ? null : new TextEncoder().encode(body),
        }),
      )
      logs.push(...response.logs)
      last.response = response
      values.learn(`${last.method} ${values.redact(path)}`, response, `${path} ${JSON.stringify(headers)} ${body ?? ''}`)
      return response
    },
    async call(name, ...args) {
      const { value, logs: lines } = await sessions.call(sessionId, name, args)
      logs.push(...lines)
      return value
    },
    runTests: (options = {}) => testRunForCheck(run, options.mutate),
    db: {
      all: (sql, params) => sessions.database.query(session.dbId, sql, params),
      get: async (sql, params) => (await sessions.database.query(session.dbId, sql, params))[0],
      tables: () => sessions.database.tables(session.dbId),
    },
    cache: { stats: () => session.cache.stats() },
    clock: { advance: (ms) => session.clock.advance(ms), now: () => session.clock.now() },
    logs: () => [...logs],
    state,
    expect,
    expectStatus(response, status, because) {
      if (response.status === status) return
      const sent = last ? `${last.method} ${last.path}${describeBody(last.options)}` : 'The request'
      throw new CheckFailure(`${sent} returned ${response.status}; expected ${status} because ${because}`)
    },
    fail(message) {
      throw new CheckFailure(message)
    },
  }

  const deadlineMs = check.deadlineMs ?? CHECK_DEADLINE_MS
  let timer: NodeJS.Timeout | undefined
  try {
    const running = Promise.resolve().then(() => check.run(context))
    // A check given up on may still settle later, when nobody is listening any more.
    running.catch(() => {})
    const late = new Promise<'late'>((resolve) => (timer = setTimeout(resolve, deadlineMs, 'late')))
    if ((await Promise.race([running, late])) === 'late') {
      const line = await checkLine(exercise.dir, check.name)
      return finish('error', {
        message: `This check did not finish: checks.ts${line === undefined ? '' : `:${line}`} was still running after ${deadlineMs / 1000} s. ${BROKEN_CHECK}`,
        output: formatOutput(logs),
      })
    }
    return finish('pass', { output: formatOutput(logs) })
  } catch (error) {
    const reproduction = last ? curlFor(last, appUrl) : undefined
    if (error instanceof LimitExceeded) {
      logs.push(...error.logs)
      return finish('timeout', { message: error.message, output: formatOutput(logs), reproduction })
    }
    if (error instanceof LearnerModuleError) return finish('error', { message: error.message, output: formatOutput(logs), reproduction })
    const isExpectation = error instanceof CheckFailure || (error as Error).name === 'AssertionError'
    if (!isExpectation) {
      const line = lineInChecks(error, exercise.dir) ?? (await checkLine(exercise.dir, check.name))
      const where = `checks.ts${line === undefined ? '' : `:${line}`}`
      return finish('error', { message: `This check could not run: ${where} threw ${describeThrown(error)}. ${BROKEN_CHECK}`, reproduction })
    }
    return finish('fail', { message: failureMessage(error, last), output: formatOutput(logs), reproduction })
  } finally {
    clearTimeout(timer)
  }
}

/** How long a check's `run` may take by default before it is given up on. */
export const CHECK_DEADLINE_MS = 10_000
const BROKEN_CHECK = 'This exercise has a broken check, not a problem with your code: please tell your instructor.'

/** "TypeError: x is not a function", for anything a check may throw. */
function describeThrown(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`
  return JSON.stringify(error) ?? String(error)
}

/** The line of the exercise's checks.ts nearest the top of an error's stack, when it is there. */
function lineInChecks(error: unknown, exerciseDir: string): number | undefined {
  const stack = error instanceof Error ? (error.stack ?? '') : ''
  const file = `${exerciseDir.replace(/\/$/, '')}/checks.ts:`
  const at = stack.indexOf(file)
  if (at < 0) return undefined
  const line = Number.parseInt(stack.slice(at + file.length), 10)
  return Number.isFinite(line) ? line : undefined
}

const templates = new WeakMap<SessionStore, Map<string, Promise<Uint8Array | undefined>>>()

/** The exercise's seeded database as a snapshot, made once per store: cloning beats re-seeding. */
function templateFor(exercise: Exercise, sessions: SessionStore): Promise<Uint8Array | undefined> {
  if (exercise.seedSql === undefined) return Promise.resolve(undefined)
  let perStore = templates.get(sessions)
  if (!perStore) templates.set(sessions, (perStore = new Map()))
  // Keyed by folder: two courses may use the same exercise id.
  let template = perStore.get(exercise.dir)
  if (!template) {
    const dbId = `template-${perStore.size}-${exercise.id}`
    template = (async () => {
      await sessions.database.open(dbId, { seedSql: exercise.seedSql })
      try {
        return await sessions.database.snapshot(dbId)
      } finally {
        await sessions.database.close(dbId)
      }
    })()
    perStore.set(exercise.dir, template)
    template.catch(() => perStore.delete(exercise.dir))
  }
  return template
}
