/**
 * Gradescope's autograder results.json (gradescope-autograders.readthedocs.io, "Autograder
 * Specifications"): a test per check with its name, score, max_score, status (passed or
 * failed), output and visibility, and the submission's score and execution_time in seconds.
 * Everything a student needs is in the tests' `output`, since the autograder's stdout is shown
 * to instructors only.
 */
import { Type, type Static } from '@sinclair/typebox'
import type { CheckResult, SubmissionResult } from '../grading/index.ts'

const Visibility = Type.Union([Type.Literal('hidden'), Type.Literal('after_due_date'), Type.Literal('after_published'), Type.Literal('visible')])

const GradescopeTest = Type.Object(
  {
    name: Type.String({ description: 'the check title' }),
    score: Type.Number({ minimum: 0, description: "the check's weight when it passed, else 0" }),
    max_score: Type.Number({ minimum: 0, description: "the check's weight" }),
    status: Type.Union([Type.Literal('passed'), Type.Literal('failed')]),
    output: Type.String({ description: 'what happened, for the student' }),
    visibility: Visibility,
  },
  { additionalProperties: false },
)

/** The fields of Gradescope's results.json this grader writes, as a JSON Schema. */
export const GradescopeResults = Type.Object(
  {
    score: Type.Number({ minimum: 0, description: 'the sum of the tests scores' }),
    execution_time: Type.Number({ minimum: 0, description: 'seconds spent grading' }),
    output: Type.Optional(Type.String({ description: 'why the submission could not be graded' })),
    visibility: Visibility,
    tests: Type.Array(GradescopeTest),
  },
  { additionalProperties: false },
)
export type GradescopeResults = Static<typeof GradescopeResults>

const STATUS_WORDS: Record<CheckResult['status'], string> = {
  pass: 'Passed.',
  fail: 'Failed.',
  error: 'Your app crashed during this check.',
  timeout: 'Your app hit a time limit, so this check could not finish.',
  limit: 'Your app hit its memory or output limit, so this check could not finish.',
  skipped: 'Not run.',
}

function outputOf(check: CheckResult): string {
  return [
    [STATUS_WORDS[check.status], check.message].filter(Boolean).join(' '),
    check.output && `Your app's output:\n${check.output}`,
    check.reproduction && `Reproduce: ${check.reproduction}`,
    check.hint && check.status !== 'skipped' && `Hint: ${check.hint.trim()}`,
  ]
    .filter(Boolean)
    .join('\n\n')
}

/**
 * One submission's Gradescope results.json. A submission that could not be graded lists every
 * check as failed, so the student still sees what the assignment is out of.
 *
 * @example
 * await writeFile('/autograder/results/results.json', JSON.stringify(toGradescopeResults(result, exercise.checks)))
 */
export function toGradescopeResults(result: SubmissionResult, checks: { name: string; weight?: number }[]): GradescopeResults {
  const seconds = Math.round(result.durationMs) / 1000
  if (!result.gradable) {
    const message = result.message ?? 'The submission could not be graded.'
    return {
      score: 0,
      execution_time: seconds,
      output: message,
      visibility: 'visible',
      tests: checks.map(({ name, weight = 1 }) => ({
        name,
        score: 0,
        max_score: weight,
        status: 'failed',
        output: `Not run: ${message}`,
        visibility: 'visible',
      })),
    }
  }
  const tests = result.tests.map((check) => ({
    name: check.name,
    score: check.status === 'pass' ? check.weight : 0,
    max_score: check.weight,
    status: check.status === 'pass' ? ('passed' as const) : ('failed' as const),
    output: outputOf(check),
    visibility: 'visible' as const,
  }))
  return { score: result.score, execution_time: seconds, visibility: 'visible', tests }
}
