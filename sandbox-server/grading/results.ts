/**
 * The one shape of grading results, for the browser, Vitest and the grader CLI alike. Modelled
 * on Exercism's results.json v3 (status, per-test name/status/message/output), plus what
 * learners need here: hints, timings, partial credit and a curl line to reproduce a failure.
 */
import { Type, type Static } from '@sinclair/typebox'

/** What the score helpers need of an exercise (its loader's `Exercise` has it); no more, so the site can read these shapes. */
export interface ScoredExercise {
  id: string
  checks: readonly { weight?: number }[]
}

export const CheckStatus = Type.Union(
  [Type.Literal('pass'), Type.Literal('fail'), Type.Literal('error'), Type.Literal('timeout'), Type.Literal('limit'), Type.Literal('skipped')],
  {
    description:
      'pass; fail (an expectation was not met); error (the app crashed); timeout (a time limit hit: CPU or wall clock); limit (the memory or output limit hit); skipped (a prerequisite failed)',
  },
)
export type CheckStatus = Static<typeof CheckStatus>

export const CheckResult = Type.Object({
  name: Type.String({ description: 'the check title learners see' }),
  status: CheckStatus,
  message: Type.Optional(Type.String({ description: 'what was sent, what came back, what was expected' })),
  output: Type.Optional(
    Type.String({ maxLength: 500, description: "the app's log lines during this check, at most 500 characters with the truncation note" }),
  ),
  hint: Type.Optional(Type.String({ description: 'the hint to offer when this check does not pass' })),
  reproduction: Type.Optional(Type.String({ description: 'a curl command that sends the request that failed' })),
  weight: Type.Number({ description: 'points this check is worth' }),
  durationMs: Type.Number(),
})
export type CheckResult = Static<typeof CheckResult>

export const SubmissionResult = Type.Object({
  version: Type.Literal(3),
  exerciseId: Type.String(),
  status: Type.Union([Type.Literal('pass'), Type.Literal('fail'), Type.Literal('error')], {
    description: 'pass: every check passed; fail: some did not; error: the code could not be graded',
  }),
  gradable: Type.Boolean({ description: 'false when the code does not compile or load: no attempt is counted' }),
  message: Type.Optional(Type.String({ description: 'why the submission could not be graded' })),
  score: Type.Number({ description: 'sum of the weights of the checks that passed' }),
  maxScore: Type.Number(),
  durationMs: Type.Number(),
  tests: Type.Array(CheckResult),
})
export type SubmissionResult = Static<typeof SubmissionResult>

/** The most characters a check's `output` holds, its truncation note included (Exercism's limit). */
export const OUTPUT_LIMIT = 500
const TRUNCATED = '\n… (output truncated)'

/**
 * Text cut to at most `limit` characters, the truncation note included, never splitting a
 * surrogate pair.
 *
 * @example
 * limitOutput('x'.repeat(900)).length // 500
 */
export function limitOutput(text: string, limit = OUTPUT_LIMIT): string {
  if (text.length <= limit) return text
  let end = limit - TRUNCATED.length
  if (/[\uD800-\uDBFF]/.test(text[end - 1] ?? '')) end--
  return `${text.slice(0, end)}${TRUNCATED}`
}

/** The points an exercise is out of (the sum of its check weights). */
export function maxScoreOf(exercise: ScoredExercise): number {
  return exercise.checks.reduce((sum, check) => sum + (check.weight ?? 1), 0)
}

/**
 * A result for a submission that could not be graded at all: status error, no attempt counted.
 *
 * @example
 * notGraded(exercise, 'No .ts file in bob/: put the app in bob/app.ts.')
 */
export function notGraded(exercise: ScoredExercise, message: string, durationMs = 0): SubmissionResult {
  return {
    version: 3,
    exerciseId: exercise.id,
    status: 'error',
    gradable: false,
    message,
    score: 0,
    maxScore: maxScoreOf(exercise),
    durationMs,
    tests: [],
  }
}
