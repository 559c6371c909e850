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
 *       const before = await t.db.count('notes')
 *       const response = await t.request('POST', '/notes', { json: { body: '' } })
 *       t.expectJson(response, 400, { error: 'body is required' }, 'empty notes must be rejected')
 *       t.expect(await t.db.count('notes'), 'nothing should be stored').toBe(before)
 *     },
 *   },
 * ])
 */
import { Type, type Static } from '@sinclair/typebox'
import type { expect } from 'vitest'
import type { LogEntry } from '../capabilities/index.ts'
import type { CacheStats } from '../capabilities/cache/index.ts'
import type { SqlParams, SqlRow, TableInfo } from '../capabilities/db/index.ts'
import type { TestResult } from '../runtime/test-result.ts'
import type { SchemaOptions } from './json-schema.ts'

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
  /** Sent as `Authorization: Bearer <token>` (a header given in `headers` wins). */
  bearer?: string
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
    /** How many rows the table holds now: `await t.db.count('notes')`. */
    count(table: string): Promise<number>
    /**
     * Fault injection: the app's next statement whose SQL contains `matching` (case and spacing
     * ignored) fails with an SQL error, once; `skip` lets that many matches run first. Fail the
     * second write of a pair to see whether the first one is rolled back with it:
     * `await t.db.failStatement({ matching: 'INSERT INTO transfers' })`.
     */
    failStatement(fault: { matching: string; skip?: number }): Promise<void>
    /**
     * A race made certain: runs `sql` just before the app's next statement whose SQL contains
     * `before` (case and spacing ignored), as a second request would in between, once. A
     * sign-up that SELECTs the name and then INSERTs finds its SELECT out of date:
     * `await t.db.interleave({ before: 'INSERT INTO users', sql: "INSERT INTO users (username) VALUES ('zoe')" })`.
     * Inside a transaction it does not run: SQLite lets one writer in at a time.
     */
    interleave(race: { before: string; sql: string; params?: SqlParams }): Promise<void>
    /**
     * The SQL text of every statement the app ran during this check (the last 200 at most), as
     * written: a value sent in a request that shows up in it was pasted in, not bound with `?`.
     */
    statements(): Promise<string[]>
  }
  cache: { stats(): CacheStats }
  /**
   * Signs with the app's own key, as its `crypto.sign` does: for tokens the app would accept as
   * genuine but that carry what no honest login issues (an expiry that is not a number).
   */
  crypto: {
    sign(message: string): Promise<string>
    /**
     * How many times the app has called `crypto.verifyPassword` in this run: take it before and
     * after a login to see that an unknown username costs a hash too (checks never time answers).
     */
    passwordChecks(): Promise<number>
  }
  clock: { advance(ms: number): void; now(): number }
  /**
   * Starts the learner's app afresh, as another copy of it behind a load balancer would be:
   * the same code in a new isolate, so its module variables (a `Map` counting requests) are
   * gone, while the database, the cache and the clock stay. Alternate requests with it to
   * grade state that must be shared by every replica.
   */
  restartApp(): Promise<void>
  /** Log lines of the app since this check began. */
  logs(): LogEntry[]
  /** Shared by the checks of one run, in order: e.g. a token from a login check. */
  state: Record<string, unknown>
  /** Vitest's expect. A failure message is prefixed with the last request and its answer. */
  expect: typeof expect
  /** Fails unless the response has `status`, saying what was sent, what came back and why. */
  expectStatus(response: CheckResponse, status: number, because: string): void
  /**
   * Fails unless the response has `status` and its JSON body equals `body` (Vitest's `toEqual`:
   * `t.expect.any(Number)`, `t.expect.objectContaining({...})` and the other matchers work inside).
   * `because` explains both: "a note was created".
   */
  expectJson(response: CheckResponse, status: number, body: unknown, because: string): void
  /**
   * Fails unless the response is an RFC 9457 problem: `status`, Content-Type
   * `application/problem+json` and a body `{ type, title, status, detail }` whose `status` is the
   * same number.
   */
  expectProblem(response: CheckResponse, status: number, because: string): void
  /**
   * Fails unless the response is 401 with a `WWW-Authenticate` header naming `scheme` (default
   * "Bearer"): a 401 must say how to authenticate (RFC 9110).
   */
  expectUnauthorized(response: CheckResponse, because: string, options?: { scheme?: string }): void
  /**
   * Fails unless `value` matches the JSON Schema `schema` (plain JSON, e.g. from an OpenAPI
   * document; `root` is the document its `$ref`s point into), saying where it breaks it.
   */
  expectSchema(value: unknown, schema: unknown, because: string, options?: SchemaOptions): void
  /** Fails with this message. */
  fail(message: string): never
}

/**
 * One check of `exercises/<id>/checks.ts`: `name`, `run(t)` and optional `weight`, `hint`,
 * `requires`, `description`, `deadlineMs`. The exercise loader (and so lessons:check) holds each
 * module to this schema; `CheckDefinition` is its `Static<>`, so the two cannot drift.
 */
export const CheckDefinitionSchema = Type.Object(
  {
    name: Type.String({ minLength: 1, description: 'the title learners see' }),
    description: Type.Optional(
      Type.String({
        minLength: 1,
        description:
          "what the check does, in words, for result formats that show a test's code (Exercism's test_code); default: the body of run in checks.ts",
      }),
    ),
    weight: Type.Optional(Type.Number({ minimum: 0, description: 'points for partial credit, default 1' })),
    hint: Type.Optional(
      Type.Integer({ minimum: 0, description: 'index of the hint to offer when the check does not pass, 0 = the first (a nudge)' }),
    ),
    requires: Type.Optional(
      Type.Array(Type.String(), { description: 'names of earlier checks that must pass first; otherwise this one is skipped' }),
    ),
    deadlineMs: Type.Optional(
      Type.Integer({
        minimum: 100,
        maximum: 120_000,
        description:
          "milliseconds run may take before the check is given up on as broken, default 10000 (the learner's app has its own, shorter limits)",
      }),
    ),
    run: Type.Unsafe<(t: CheckContext) => Promise<void> | void>(Type.Function([Type.Any()], Type.Any(), { description: 'async (t) => { ... }' })),
  },
  { additionalProperties: false },
)
export type CheckDefinition = Static<typeof CheckDefinitionSchema>

/** What `exercises/<id>/checks.ts` must `export default`: use defineChecks([...]). */
export const ChecksModule = Type.Array(CheckDefinitionSchema, { minItems: 1, description: 'defineChecks([...]) with at least one check' })

/** Thrown by `t.fail` and the `t.expect…` helpers that build their own message: the message is already the whole story. */
export class CheckFailure extends Error {
  override name = 'CheckFailure'
}

/** Identity, for types: `export default defineChecks([...])`. */
export function defineChecks(checks: CheckDefinition[]): CheckDefinition[] {
  return checks
}
