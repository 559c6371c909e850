/**
 * The shapes of the JSON API's request bodies and answers, one definition each; types come from
 * them. Light on purpose: the site's client imports these types (nothing of the runtime).
 */
import { Type, type Static } from '@sinclair/typebox'
import { LogEntry } from '../capabilities/log/index.ts'
import { TestResults } from '../runtime/test-result.ts'

/**
 * Methods the Fetch standard refuses to build a Request with (`new Request(url, { method })`
 * throws), so no Hono app, on Node or here, can ever receive them.
 */
export const FORBIDDEN_METHODS = ['CONNECT', 'TRACE', 'TRACK'] as const

/** An HTTP method is a token (RFC 9110): any of these characters, e.g. GET, PURGE or M-SEARCH. */
const METHOD_TOKEN = "^[-!#$%&'*+.^_`|~0-9A-Za-z]+$"

export const CreateSessionBody = Type.Object(
  {
    exerciseId: Type.Optional(Type.String({ description: 'the exercise to seed the database from, e.g. "crud-notes"', maxLength: 64 })),
    code: Type.Optional(Type.String({ description: 'TypeScript source of the app to load right away' })),
  },
  { additionalProperties: false },
)
export type CreateSessionBody = Static<typeof CreateSessionBody>

export const PutCodeBody = Type.Object(
  { code: Type.String({ description: 'TypeScript source that ends with `export default app`' }) },
  { additionalProperties: false },
)

export const SendRequestBody = Type.Object(
  {
    method: Type.String({
      pattern: METHOD_TOKEN,
      maxLength: 32,
      description: `an HTTP method such as GET, POST or PURGE (letters, digits and !#$%&'*+-.^_\`|~), not ${FORBIDDEN_METHODS.join(', ')}`,
    }),
    path: Type.String({ pattern: '^/', maxLength: 2048, description: 'a path starting with "/", e.g. "/users/1?verbose=true"' }),
    headers: Type.Optional(Type.Record(Type.String({ maxLength: 256 }), Type.String({ maxLength: 8192 }), { description: 'header names to values' })),
    body: Type.Optional(Type.String({ description: 'the request body as text, e.g. JSON' })),
    remoteAddress: Type.Optional(
      Type.String({
        maxLength: 45,
        description: 'the caller the app sees (getConnInfo, hono/ip-restriction), an IPv4 or IPv6 address; default 127.0.0.1',
      }),
    ),
  },
  { additionalProperties: false },
)
export type SendRequestBody = Static<typeof SendRequestBody>

export const AdvanceClockBody = Type.Object(
  { ms: Type.Number({ minimum: 0, maximum: 10 * 365 * 24 * 3600 * 1000, description: 'milliseconds to move the clock forward' }) },
  { additionalProperties: false },
)

/** A POST that takes no fields (an empty body or `{}`). */
export const EmptyBody = Type.Object({}, { additionalProperties: false, description: 'no fields' })

const OptionalCodeHash = Type.Optional(
  Type.String({
    maxLength: 128,
    description:
      'the codeHash PUT /code answered for the code the learner sees: the grade is refused (409 code_changed) when the session holds other code, e.g. loaded from another tab',
  }),
)

export const GradeBody = Type.Object(
  {
    typecheck: Type.Optional(
      Type.Boolean({
        description: "also type-check the code (strict, as the editor does): tsc's errors come back as typeErrors and never change the grade",
      }),
    ),
    codeHash: OptionalCodeHash,
  },
  { additionalProperties: false },
)
export type GradeBody = Static<typeof GradeBody>

// What the API answers: the site's client (site/src/workspace/api.ts) takes its types from these.

/** What POST /api/sessions answers (201). */
export const SessionCreated = Type.Object({
  sessionId: Type.String({ description: 'the session id (128 random bits): whoever holds it can use the session' }),
  exerciseId: Type.Union([Type.String(), Type.Null()], { description: 'the exercise whose seed the database holds, or null for a playground' }),
  liveUrl: Type.String({ description: "the app's own origin, e.g. http://<session>.localhost:3000/" }),
  livePathUrl: Type.String({ description: "the fallback on the site's origin, e.g. http://localhost:3000/s/<session>/" }),
  starter: Type.Union([Type.String(), Type.Null()], { description: "the exercise's starter code, or null" }),
  codeHash: Type.Optional(Type.String({ description: 'when code was sent with the request: its hash, as PUT /code answers' })),
})
export type SessionCreated = Static<typeof SessionCreated>

/** What PUT /api/sessions/:id/code answers once the code is loaded. */
export const CodeLoaded = Type.Object({
  codeHash: Type.String({ description: 'names this code: send it with POST /grade to grade exactly this code' }),
  logs: Type.Array(LogEntry, { description: 'what the module logged while it loaded' }),
})
export type CodeLoaded = Static<typeof CodeLoaded>

/** What POST /api/sessions/:id/requests answers: the learner's app's response. */
export const AppResponseBody = Type.Object({
  status: Type.Integer({ description: 'the status the app answered' }),
  statusText: Type.String(),
  headers: Type.Array(Type.Tuple([Type.String(), Type.String()]), {
    description: 'name and value pairs in the order the app set them (Set-Cookie may repeat)',
  }),
  body: Type.String({ description: 'the body as text, or in base64 when it is not UTF-8 (see bodyEncoding)' }),
  bodyEncoding: Type.Union([Type.Literal('utf8'), Type.Literal('base64')]),
  logs: Type.Array(LogEntry, { description: "the app's log lines during this request" }),
  droppedLogs: Type.Integer({ description: 'log lines past the per-request limit: counted, not kept' }),
  durationMs: Type.Number({ description: 'how long the app took, to a hundredth of a millisecond' }),
})
export type AppResponseBody = Static<typeof AppResponseBody>

/** What GET, POST …/clock/advance and …/clock/reset answer: the app's clock. */
export const AppClock = Type.Object({
  now: Type.Number({ description: 'what clock.now() answers in the app, in ms since 1970' }),
  offsetMs: Type.Number({ description: 'how far that is ahead of real time' }),
})
export type AppClock = Static<typeof AppClock>

/** What POST /api/sessions/:id/tests answers: the learner's own tests, run against the app under test. */
export const TestRunBody = Type.Object({
  passed: Type.Integer(),
  failed: Type.Integer(),
  tests: TestResults,
  logs: Type.Array(LogEntry, { description: "the app's and the tests' log lines" }),
})
export type TestRunBody = Static<typeof TestRunBody>

/** What GET /api/sessions/:id/solution answers: the exercise's reference solution. */
export const SolutionFile = Type.Object({
  exerciseId: Type.String(),
  file: Type.Literal('solution.ts', { description: 'the file it came from, relative to the exercise folder' }),
  code: Type.String(),
})
export type SolutionFile = Static<typeof SolutionFile>
