/**
 * The check thread: runs an exercise's checks (trusted, but possibly buggy, instructor code)
 * where the grade can stop them, even a `while (true) {}`. Every call a check makes on its
 * context is a message to the main thread, which owns the learner's session; this side only
 * runs the instructor's code and Vitest's `expect`. Started through ts-worker.js.
 */
import { parentPort } from 'node:worker_threads'
import { createExpect } from '../runtime/prelude/vitest-expect.ts'
import { LearnerModuleError, LimitExceeded, ServerBusy } from '../runtime/errors.ts'
import { CheckFailure, type CheckContext, type CheckDefinition, type CheckResponse, type RequestOptions } from './checks.ts'
import type { LogEntry } from '../capabilities/index.ts'
import {
  describeBody,
  describeError,
  type CallMessage,
  type CrossingResponse,
  type DoneMessage,
  type ReplyMessage,
  type RunCheckMessage,
  type SentRequestOptions,
  type StartedMessage,
  type ThrownError,
} from './check-protocol.ts'
import { schemaMismatch } from './json-schema.ts'

// Vitest's expect from @vitest/expect, not from vitest: a production install has no vitest.
const expect = createExpect()

const port = parentPort!
let nextId = 0
const waiting = new Map<number, (reply: ReplyMessage) => void>()

/** Rebuilds an error thrown on the main thread, so checks can tell a limit from a failure. */
function rebuild(error: ThrownError): Error {
  if (error.kind === 'limit') {
    const limit = error.busy ? new ServerBusy() : new LimitExceeded(error.limit ?? 'wall', error.message)
    limit.logs = error.logs ?? []
    return limit
  }
  if (error.kind === 'module') return new LearnerModuleError(error.message)
  return Object.assign(new Error(error.message), { name: error.name })
}

/**
 * Asks the main thread and waits. The error is rebuilt here, after the `await`, so its (async)
 * stack still runs through the check's own line in checks.ts.
 */
async function ask(method: CallMessage['method'], args: unknown[]): Promise<any> {
  const id = nextId++
  const reply = new Promise<ReplyMessage>((resolve) => waiting.set(id, resolve))
  port.postMessage({ type: 'call', id, method, args } satisfies CallMessage)
  const answer = await reply
  if ('error' in answer) throw rebuild(answer.error)
  return answer.value
}

let syncBuffer: SharedArrayBuffer
/** For the context's synchronous methods: waits for the main thread's answer in shared memory. */
function askNow(method: CallMessage['method'], args: unknown[]): any {
  const words = new Int32Array(syncBuffer, 0, 2)
  Atomics.store(words, 0, 0)
  port.postMessage({ type: 'call', id: nextId++, method, args, sync: true } satisfies CallMessage)
  Atomics.wait(words, 0, 0)
  const reply = JSON.parse(new TextDecoder().decode(new Uint8Array(syncBuffer, 8, Atomics.load(words, 1)).slice())) as {
    value?: unknown
    error?: ThrownError
  }
  if (reply.error) throw rebuild(reply.error)
  return reply.value
}

function toResponse({ status, headers, text, logs }: CrossingResponse): CheckResponse {
  let json: unknown
  try {
    json = text === '' ? undefined : JSON.parse(text)
  } catch {
    json = undefined
  }
  return { status, headers: new Headers(headers), text, json, logs }
}

/** A table name as SQL would read it: letters, digits and underscores only, so it can be pasted. */
const TABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/

function contextFor(state: Record<string, unknown>): CheckContext {
  const logs: LogEntry[] = []
  let last: { method: string; path: string; options: RequestOptions } | undefined
  const sentWords = () => (last ? `${last.method} ${last.path}${describeBody(last.options)}` : 'The request')
  const expectStatus = (response: CheckResponse, status: number, because: string) => {
    if (response.status === status) return
    throw new CheckFailure(`${sentWords()} returned ${response.status}; expected ${status} because ${because}`)
  }
  return {
    async request(method, path, { bearer, ...options } = {}) {
      // The token becomes a header here, so failure messages and curl lines show it as sent.
      if (bearer !== undefined) options.headers = { authorization: `Bearer ${bearer}`, ...options.headers }
      last = { method: method.toUpperCase(), path, options }
      const sent: SentRequestOptions = {
        json: options.json === undefined ? undefined : JSON.stringify(options.json),
        body: options.body,
        headers: options.headers,
      }
      const response = toResponse(await ask('request', [method, path, sent]))
      logs.push(...response.logs)
      return response
    },
    async call(name, ...args) {
      const { value, logs: lines } = (await ask('call', [name, args])) as { value: unknown; logs: LogEntry[] }
      logs.push(...lines)
      return value
    },
    runTests: async (options = {}) => await ask('runTests', [options.mutate]),
    db: {
      all: async (sql, params) => await ask('db.all', [sql, params]),
      get: async (sql, params) => await ask('db.get', [sql, params]),
      tables: async () => await ask('db.tables', []),
      statements: async () => (await ask('db.statements', [])) as string[],
      failStatement: async (fault) => {
        await ask('db.failStatement', [fault])
      },
      interleave: async (race) => {
        await ask('db.interleave', [race])
      },
      async count(table) {
        if (!TABLE_NAME.test(table)) throw new Error(`t.db.count takes a table name, not ${JSON.stringify(table)}`)
        const row = (await ask('db.get', [`SELECT count(*) AS n FROM "${table}"`, []])) as { n: number }
        return Number(row.n)
      },
    },
    cache: { stats: () => askNow('cache.stats', []) },
    crypto: {
      sign: async (message) => await ask('crypto.sign', [message]),
      passwordChecks: async () => await ask('crypto.passwordChecks', []),
    },
    clock: { advance: (ms) => void askNow('clock.advance', [ms]), now: () => askNow('clock.now', []) },
    restartApp: async () => {
      const { logs: lines } = (await ask('restartApp', [])) as { logs: LogEntry[] }
      logs.push(...lines)
    },
    logs: () => [...logs],
    state,
    expect,
    expectStatus,
    expectJson(response, status, body, because) {
      expectStatus(response, status, because)
      if (response.json === undefined) {
        const text = response.text === '' ? 'an empty body' : `${JSON.stringify(response.text.slice(0, 200))}, which is not JSON`
        throw new CheckFailure(`${sentWords()} returned ${status} with ${text}; expected the JSON ${JSON.stringify(body)} because ${because}`)
      }
      expect(response.json, because).toEqual(body)
    },
    expectProblem(response, status, because) {
      expectStatus(response, status, because)
      const contentType = response.headers.get('content-type') ?? '(none)'
      if (!contentType.startsWith('application/problem+json')) {
        throw new CheckFailure(
          `${sentWords()} returned ${status}, which is right, but its Content-Type is ${contentType}: an error answer should be application/problem+json, so clients know the body is a problem details object (RFC 9457)`,
        )
      }
      expect(
        response.json,
        `the body should be { type, title, status, detail } with status ${status}, the same number as the HTTP status`,
      ).toMatchObject({
        type: expect.stringMatching(/\S/),
        title: expect.stringMatching(/\S/),
        status,
        detail: expect.stringMatching(/\S/),
      })
    },
    expectUnauthorized(response, because, { scheme = 'Bearer' } = {}) {
      expectStatus(response, 401, because)
      const challenge = response.headers.get('www-authenticate')
      if (challenge === null || !challenge.toLowerCase().startsWith(scheme.toLowerCase())) {
        throw new CheckFailure(
          `${sentWords()} returned 401, which is right, but ${challenge === null ? 'without a WWW-Authenticate header' : `with WWW-Authenticate: ${challenge}`}: a 401 must say how to authenticate, here c.header('WWW-Authenticate', '${scheme}') before returning`,
        )
      }
    },
    expectSchema(value, schema, because, options) {
      const problem = schemaMismatch(schema, value, options)
      if (problem !== undefined) throw new CheckFailure(`${JSON.stringify(value)?.slice(0, 300)} does not match the schema (${problem}): ${because}`)
    },
    fail(message) {
      throw new CheckFailure(message)
    },
  }
}

/** The checks' shared `state` in the grade this thread serves now. */
let state: Record<string, unknown> = {}

async function runCheck({ checksUrl, index, state: given, sync }: RunCheckMessage): Promise<void> {
  syncBuffer = sync
  if (given) state = given
  let done: DoneMessage
  try {
    const checks = ((await import(checksUrl)) as { default: CheckDefinition[] }).default
    const check = checks[index]
    if (!check) throw new Error(`checks.ts has no check number ${index + 1}`)
    port.postMessage({ type: 'started' } satisfies StartedMessage)
    await check.run(contextFor(state))
    done = { type: 'done' }
  } catch (error) {
    done = { type: 'done', error: describeError(error) }
  }
  try {
    port.postMessage({ ...done, state })
  } catch {
    // A value in `state` that does not copy (a function): the next checks on this thread still
    // see it; those on a new thread (after a deadline) see the last state that copied.
    port.postMessage(done)
  }
}

port.on('message', (message: RunCheckMessage | ReplyMessage) => {
  if (message.type === 'run') {
    void runCheck(message)
    return
  }
  waiting.get(message.id)?.(message)
  waiting.delete(message.id)
})
