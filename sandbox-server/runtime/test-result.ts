/**
 * What one of the learner's own tests (a test-writing exercise) reports: built inside the
 * isolate by the test library, so the host checks it against this schema before using it.
 */
import { Type, type Static } from '@sinclair/typebox'

export const TestResult = Type.Object(
  {
    name: Type.String({ description: 'the test name, with its describe groups: "POST /users > creates a user"' }),
    status: Type.Union([Type.Literal('pass'), Type.Literal('fail')]),
    message: Type.Optional(Type.String({ description: 'why it failed: the assertion message, e.g. "expected 404 to be 200"' })),
    at: Type.Optional(Type.String({ description: 'where it failed: app.js:L:C inside the isolate, app.test.ts:L:C once the host has mapped it' })),
    durationMs: Type.Number(),
  },
  { description: "one of the learner's own tests, run once" },
)
export type TestResult = Static<typeof TestResult>

export const TestResults = Type.Array(TestResult)
