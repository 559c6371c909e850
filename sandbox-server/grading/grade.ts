/**
 * One function grades: `gradeSubmission` runs an exercise's checks against a submission in a
 * fresh, throwaway session (nothing the learner did while exploring can change the grade),
 * with the seeded database cloned from a template snapshot. The grade endpoint, the Vitest
 * exercise suite and the grader CLI all call it. The checks themselves run in a check thread
 * (check-thread.ts) that is stopped at a check's deadline; what they ask of the session is done
 * here, on this thread.
 */
import type { SessionStore, AppResponse } from '../sessions/index.ts'
import type { Exercise } from '../exercises/index.ts'
import type { LogEntry } from '../capabilities/index.ts'
import type { TestResult } from '../runtime/test-result.ts'
import { CompileError, LearnerModuleError, LimitExceeded, ServerBusy } from '../runtime/errors.ts'
import type { CheckDefinition, CheckResponse, RequestOptions, TestRun } from './checks.ts'
import type { SqlParams } from '../capabilities/db/index.ts'
import { createCheckThreads, type AnswerCall } from './check-thread.ts'
import { describeBody, type CrossingResponse, type SentRequestOptions, type ThrownError } from './check-protocol.ts'
import { pathToFileURL } from 'node:url'
import { join } from 'node:path'
import { createRunValues, type RunValues } from './run-values.ts'
import { type GradeRecording, type RecordedStep } from './replay.ts'
import { checkLine } from './check-source.ts'
import { curlCommand } from './curl.ts'
import { limitOutput, maxScoreOf, notGraded, type CheckResult, type CheckStatus, type SubmissionResult } from './results.ts'

const MESSAGE_LIMIT = 2000

export interface GradeOptions {
  exercise: Exercise
  /** The learner's TypeScript source. */
  code: string
  sessions: SessionStore
  /** Used in reproduction lines, e.g. the learner's live URL; default "$APP_URL". */
  appUrl?: string
  signal?: AbortSignal
  /** The learner's session: while its requests are watched, the checks' requests show there too. */
  activityOf?: string
  /**
   * Keep the grading session for replays instead of deleting it: each check's starting state
   * and steps are recorded, and those of the checks that did not pass are handed here with
   * the session, whose deletion is then the receiver's (see kept-grades.ts). Not called when
   * the code could not be graded.
   */
  keep?: (recording: GradeRecording) => void
}

/** The last request a check sent, to describe failures and reproduce them. */
interface SentRequest {
  method: string
  path: string
  options: RequestOptions
  response?: CheckResponse
}

function curlFor({ method, path, options }: SentRequest, appUrl: string): string {
  return curlCommand({
    method,
    url: `${appUrl.replace(/\/$/, '')}${path}`,
    headers: { ...(options.json !== undefined ? { 'content-type': 'application/json' } : {}), ...options.headers },
    body: options.json !== undefined ? JSON.stringify(options.json) : options.body,
  })
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
  const text = new TextDecoder().decode(response.body ?? undefined)
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
function failureMessage(error: ThrownError, last: SentRequest | undefined): string {
  let message = plainAssertion(error.message)
  if (message.length > MESSAGE_LIMIT) message = `${message.slice(0, MESSAGE_LIMIT)}… (shortened)`
  if (error.name === 'CheckFailure' || !last?.response) return message
  return `${last.method} ${last.path}${describeBody(last.options)} returned ${last.response.status}: ${message}`
}

/**
 * @example
 * const result = await gradeSubmission({ exercise: await loadExercise('crud-notes'), code, sessions })
 * result.status // 'pass' | 'fail' | 'error'
 */
export async function gradeSubmission({
  exercise,
  code,
  sessions,
  appUrl = '$APP_URL',
  signal,
  activityOf,
  keep,
}: GradeOptions): Promise<SubmissionResult> {
  const started = performance.now()
  const maxScore = maxScoreOf(exercise)
  const ungradable = (message: string) => notGraded(exercise, message, performance.now() - started)

  const session = await sessions.create({
    exerciseId: exercise.id,
    snapshot: await templateFor(exercise, sessions),
    appUnderTest: exercise.appUnderTest,
    env: exercise.env,
    activityOf,
  })
  const threads = createCheckThreads(pathToFileURL(join(exercise.dir, 'checks.ts')).href)
  let kept = false
  try {
    try {
      await sessions.setCode(session.id, code)
    } catch (error) {
      if (error instanceof CompileError || error instanceof LearnerModuleError || error instanceof LimitExceeded) return ungradable(error.message)
      throw error
    }
    const values = createRunValues()
    const recording: GradeRecording | undefined = keep && { sessionId: session.id, checks: [] }
    const results: CheckResult[] = []
    let timeoutsInARow = 0
    for (const [index, check] of exercise.checks.entries()) {
      if (signal?.aborted) throw signal.reason ?? new Error('grading was cancelled')
      // Each limit costs its full budget (a second of CPU): after two in a row, stop spending.
      if (timeoutsInARow >= 2) {
        results.push(skipped(check, 'Skipped: your app hit its limits in two checks in a row. Fix that first (see their messages).'))
        continue
      }
      const result = await runCheck(check, index, { values, exercise, code, sessionId: session.id, sessions, threads, appUrl, results, recording })
      timeoutsInARow = result.status === 'timeout' || result.status === 'limit' ? timeoutsInARow + 1 : 0
      results.push(result)
    }
    const score = results.reduce((sum, result) => sum + (result.status === 'pass' ? result.weight : 0), 0)
    if (recording) {
      keep!(recording)
      kept = true
    }
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
    threads.release()
    if (!kept) await sessions.delete(session.id).catch(() => {})
  }
}

/** The fields that have a value: results carry no `"message": undefined`. */
function definedOnly<T extends Record<string, unknown>>(fields: T): Partial<T> {
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined)) as Partial<T>
}

function skipped(check: CheckDefinition, message: string): CheckResult {
  return { name: check.name, status: 'skipped', message, weight: check.weight ?? 1, durationMs: 0 }
}

type CheckThreads = ReturnType<typeof createCheckThreads>

interface CheckRun {
  /** Values the app made up in this run, named by origin in the results. */
  values: RunValues
  exercise: Exercise
  code: string
  sessionId: string
  sessions: SessionStore
  threads: CheckThreads
  appUrl: string
  results: CheckResult[]
  /** When the grade is kept for replays: where the checks that do not pass are recorded. */
  recording: GradeRecording | undefined
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
  const session = await sessions.create({ exerciseId: exercise.id, snapshot: await templateFor(exercise, sessions), appUnderTest, env: exercise.env })
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

async function runCheck(check: CheckDefinition, index: number, run: CheckRun): Promise<CheckResult> {
  const { values, exercise, sessionId, sessions, threads, appUrl, results, recording } = run
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
  const statementsBefore = sessions.database.statementLog(session.dbId).total
  const logs: LogEntry[] = []
  let last: SentRequest | undefined
  // For replays: the session as this check finds it, and what the check does to it.
  const start = recording && (await sessions.capture(sessionId))
  const steps: RecordedStep[] = []
  const result = (status: CheckStatus, fields: Partial<CheckResult> = {}): CheckResult => {
    const done = finish(status, fields)
    if (start && status !== 'pass') recording!.checks.push({ name: check.name, status, message: done.message, start, steps })
    return done
  }
  // What the check asks its context for, done here, where the session lives (check-thread.ts).
  const answer: AnswerCall = (method, args) => {
    switch (method) {
      case 'request':
        return sendRequest(...(args as [string, string, SentRequestOptions]))
      case 'call':
        steps.push({ kind: 'call', name: args[0] as string, args: args[1] as unknown[] })
        return sessions.call(sessionId, args[0] as string, args[1] as unknown[]).then((reply) => {
          logs.push(...reply.logs)
          return reply
        })
      case 'runTests':
        steps.push({ kind: 'tests', ...(args[0] ? { mutate: args[0] as [string, string] } : {}) })
        return testRunForCheck(run, args[0] as [string, string] | undefined)
      case 'db.all':
        return sessions.database.query(session.dbId, args[0] as string, args[1] as SqlParams)
      case 'db.get':
        return sessions.database.query(session.dbId, args[0] as string, args[1] as SqlParams).then((rows) => rows[0])
      case 'db.tables':
        return sessions.database.tables(session.dbId)
      case 'db.statements': {
        // Only this check's: the log's total when it began tells how many of the recent ones are.
        const { total, recent } = sessions.database.statementLog(session.dbId)
        return recent.slice(Math.max(0, recent.length - (total - statementsBefore)))
      }
      case 'db.failStatement':
        return sessions.database.failStatement(session.dbId, args[0] as { matching: string; skip?: number })
      case 'db.interleave':
        return sessions.database.interleave(session.dbId, args[0] as { before: string; sql: string; params?: SqlParams })
      case 'cache.stats':
        return session.cache.stats()
      case 'clock.advance':
        session.clock.advance(args[0] as number)
        steps.push({ kind: 'clock', ms: args[0] as number })
        return
      case 'clock.now':
        return session.clock.now()
      case 'restartApp':
        // The same code again builds a new isolate: module variables are gone, the session's
        // database, cache and clock are the same objects.
        steps.push({ kind: 'restart' })
        return sessions.setCode(sessionId, run.code).then(({ logs: lines }) => {
          logs.push(...lines)
          return { logs: lines }
        })
      case 'crypto.passwordChecks':
        return session.crypto.passwordChecks()
      case 'crypto.sign': {
        // Made with this run's key, so it differs every run: results name it instead.
        const signature = session.crypto.sign(args[0] as string)
        steps.push({ kind: 'sign', message: args[0] as string, signature })
        values.learn('t.crypto.sign', { headers: new Headers(), json: { signature } }, '')
        return signature
      }
    }
  }
  async function sendRequest(method: string, path: string, sent: SentRequestOptions): Promise<CrossingResponse> {
    const options: RequestOptions = { ...sent, json: sent.json === undefined ? undefined : JSON.parse(sent.json) }
    last = { method: method.toUpperCase(), path, options }
    const headers: [string, string][] = Object.entries({
      ...(sent.json !== undefined ? { 'content-type': 'application/json' } : {}),
      ...sent.headers,
    })
    const body = sent.json ?? sent.body
    const step: Extract<RecordedStep, { kind: 'request' }> = {
      kind: 'request',
      request: { method: last.method, path, headers, ...(body === undefined ? {} : { body }) },
    }
    steps.push(step)
    const appResponse = await sessions.request(sessionId, {
      method: last.method,
      path,
      headers,
      body: body === undefined ? null : new TextEncoder().encode(body),
      via: 'check',
    })
    const response = toCheckResponse(appResponse)
    step.gradedStatus = response.status
    logs.push(...response.logs)
    last.response = response
    values.learn(`${last.method} ${values.redact(path)}`, response, `${path} ${JSON.stringify(headers)} ${body ?? ''}`)
    return { status: response.status, headers: [...response.headers], text: response.text, logs: response.logs }
  }

  const deadlineMs = check.deadlineMs ?? CHECK_DEADLINE_MS
  const outcome = await threads.run({ index, deadlineMs, answer })
  const reproduction = last ? curlFor(last, appUrl) : undefined
  if (!outcome.ended) {
    const line = await checkLine(exercise.dir, check.name)
    const where = `checks.ts${line === undefined ? '' : `:${line}`}`
    const message = outcome.late
      ? `This check did not finish: ${where} was still running after ${deadlineMs / 1000} s. ${BROKEN_CHECK}`
      : `This check could not run: ${where}: ${outcome.crashed}. ${BROKEN_CHECK}`
    return result('error', { message, output: formatOutput(logs) })
  }
  const error = outcome.error
  if (!error) return result('pass', { output: formatOutput(logs) })
  if (error.kind === 'limit') {
    logs.push(...(error.logs ?? []))
    // Time limits are a timeout; memory and output are limits of another kind, with their own status.
    const status = error.limit === 'memory' || error.limit === 'output' ? 'limit' : 'timeout'
    return result(status, { message: error.message, output: formatOutput(logs), reproduction })
  }
  if (error.kind === 'module') return result('error', { message: error.message, output: formatOutput(logs), reproduction })
  if (error.kind === 'other') {
    const line = lineInChecks(error.stack, exercise.dir) ?? (await checkLine(exercise.dir, check.name))
    const where = `checks.ts${line === undefined ? '' : `:${line}`}`
    return result('error', { message: `This check could not run: ${where} threw ${error.name}: ${error.message}. ${BROKEN_CHECK}`, reproduction })
  }
  return result('fail', { message: failureMessage(error, last), output: formatOutput(logs), reproduction })
}

/** How long a check's `run` may take by default before it is given up on. */
export const CHECK_DEADLINE_MS = 10_000
const BROKEN_CHECK = 'This exercise has a broken check, not a problem with your code: please tell your instructor.'

/** The line of the exercise's checks.ts nearest the top of an error's stack, when it is there. */
function lineInChecks(stack = '', exerciseDir: string): number | undefined {
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
