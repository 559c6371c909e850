/**
 * The check API instructors write `exercises/<id>/checks.ts` with. Checks are trusted code
 * that runs on the host: they send requests to the learner's app (through the sandbox), read
 * its database, cache counters and logs, move its clock, and assert with Vitest's `expect`.
 *
 * @example
 * import { defineChecks } from '../../sandbox-server/grading/checks.ts'
 * export default defineChecks([
 *   {
 *     name: 'POST /notes rejects an empty body',
 *     async run(t) {
 *       const response = await t.request('POST', '/notes', { json: { body: '' } })
 *       t.expectStatus(response, 400, 'empty notes must be rejected')
 *     },
 *   },
 * ])
 */
import { expect } from 'vitest'
import type { LogEntry } from '../capabilities/index.ts'
import type { CacheStats } from '../capabilities/cache/index.ts'
import type { SqlParams, SqlRow, TableInfo } from '../capabilities/db/index.ts'
import type { TestResult } from '../runtime/test-result.ts'

export type { TestResult }

/** The learner's own tests, run once against one version of the app under test. */
export type TestRun =
  | { tests: TestResult[]; stopped?: undefined; busy?: undefined }
  /** The run did not finish: a limit hit, or the module threw while loading. The message says which; `busy` when the server, not the code, was too slow. */
  | { tests?: undefined; stopped: string; busy?: boolean }

export interface CheckResponse {
  status: number
  headers: Headers
  /** The body as text. */
  text: string
  /** The body parsed as JSON, or undefined when it is not JSON. */
  json: any
  logs: LogEntry[]
}

export interface RequestOptions {
  /** Sent as a JSON body with content-type application/json. */
  json?: unknown
  /** Sent as is. */
  body?: string
  headers?: Record<string, string>
}

export interface CheckContext {
  /** Sends a request to the learner's app. */
  request(method: string, path: string, options?: RequestOptions): Promise<CheckResponse>
  /**
   * Calls a function the learner's module exports, by name ("notes.create" or "totalOf"), with
   * copied arguments; resolves to its copied result. For testing a service without HTTP.
   */
  call(name: string, ...args: unknown[]): Promise<any>
  /**
   * In a test-writing exercise (one with app.ts): runs the learner's tests in a fresh session
   * against the app under test, or against a mutant of it: `mutate: [find, replace]` replaces
   * the one occurrence of `find` in app.ts.
   */
  runTests(options?: { mutate?: [find: string, replace: string] }): Promise<TestRun>
  /** Trusted reads of the learner's database (SELECT, EXPLAIN QUERY PLAN, read-only PRAGMA). */
  db: {
    all(sql: string, params?: SqlParams): Promise<SqlRow[]>
    get(sql: string, params?: SqlParams): Promise<SqlRow | undefined>
    tables(): Promise<TableInfo[]>
  }
  cache: { stats(): CacheStats }
  clock: { advance(ms: number): void; now(): number }
  /** Log lines of the app since this check began. */
  logs(): LogEntry[]
  /** Shared by the checks of one run, in order: e.g. a token from a login check. */
  state: Record<string, unknown>
  /** Vitest's expect. A failure message is prefixed with the last request and its answer. */
  expect: typeof expect
  /** Fails unless the response has `status`, saying what was sent, what came back and why. */
  expectStatus(response: CheckResponse, status: number, because: string): void
  /** Fails with this message. */
  fail(message: string): never
}

export interface CheckDefinition {
  /** What learners read, e.g. "GET /notes/:id answers 404 for a missing note". */
  name: string
  /**
   * What the check does, in words, for result formats that show each test's code (Exercism's
   * `test_code`). Default: the body of `run` as written in checks.ts.
   */
  description?: string
  /** Points, for partial credit. Default 1. */
  weight?: number
  /** Which hint (0 = the first, a nudge) to offer when this check does not pass. Default 0. */
  hint?: number
  /** Names of earlier checks that must pass first; otherwise this one is skipped. */
  requires?: string[]
  /**
   * How long `run` may take before it is given up on as a broken check (an `await` that never
   * settles), in milliseconds. Default 10 000. The learner's app has its own, shorter limits.
   */
  deadlineMs?: number
  run(t: CheckContext): Promise<void> | void
}

/** Thrown by `t.fail` and `t.expectStatus`: the message is already the whole story. */
export class CheckFailure extends Error {
  override name = 'CheckFailure'
}

/** Identity, for types: `export default defineChecks([...])`. */
export function defineChecks(checks: CheckDefinition[]): CheckDefinition[] {
  return checks
}
