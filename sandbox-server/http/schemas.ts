/**
 * The shapes of the JSON API's request bodies, one definition each; types come from them.
 */
import { Type, type Static } from '@sinclair/typebox'

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
