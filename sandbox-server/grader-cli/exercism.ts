/**
 * Exercism's test-runner results.json, version 3, to the letter of its interface
 * (exercism/docs building/tooling/test-runners/interface.md): per test only pass, fail or
 * error; `output` at most 500 characters; `test_code` for every test, since learners never see
 * checks.ts; a top-level `message` exactly when the status is error. Our richer statuses map
 * onto those three and say why in `message`. No `task_id`: lessons have no numbered tasks.
 */
import { Type, type Static } from '@sinclair/typebox'
import { OUTPUT_LIMIT, limitOutput, type CheckResult, type SubmissionResult } from '../grading/index.ts'

const ExercismTest = Type.Object(
  {
    name: Type.String({ description: 'the check title learners see' }),
    status: Type.Union([Type.Literal('pass'), Type.Literal('fail'), Type.Literal('error')]),
    message: Type.Optional(Type.String({ description: 'what went wrong, shown to the student; no length limit' })),
    output: Type.Optional(Type.String({ maxLength: OUTPUT_LIMIT, description: "the learner's own log lines during this check" })),
    test_code: Type.String({ description: "the check's description or the body of its run in checks.ts" }),
    task_id: Type.Optional(Type.Integer({ minimum: 1, description: 'the task this test belongs to (unused: lessons have no tasks)' })),
  },
  { additionalProperties: false },
)

const Passed = Type.Object(
  {
    version: Type.Literal(3),
    status: Type.Union([Type.Literal('pass'), Type.Literal('fail')]),
    message: Type.Optional(Type.Null()),
    tests: Type.Array(ExercismTest),
  },
  { additionalProperties: false },
)
const Errored = Type.Object(
  {
    version: Type.Literal(3),
    status: Type.Literal('error'),
    message: Type.String({ minLength: 1, description: 'why the tests did not run (e.g. the compile error)' }),
    tests: Type.Array(ExercismTest),
  },
  { additionalProperties: false },
)

/** Exercism's results.json v3 as a JSON Schema: a top-level message exactly when status is error. */
export const ExercismResults = Type.Union([Passed, Errored], { description: "Exercism test runner's results.json, version 3" })
export type ExercismResults = Static<typeof ExercismResults>
type ExercismTest = Static<typeof ExercismTest>

/** Our six statuses onto Exercism's three, with the reason said in the message. */
function toExercismTest(check: CheckResult, testCode: string): ExercismTest {
  const status = check.status === 'pass' ? 'pass' : check.status === 'fail' ? 'fail' : check.status === 'skipped' ? 'fail' : 'error'
  const reason =
    check.status === 'timeout' || check.status === 'limit'
      ? `Your app hit a limit, so this check could not finish. ${check.message ?? ''}`
      : check.status === 'skipped'
        ? `Not run. ${check.message ?? 'An earlier check must pass first.'}`
        : check.message
  const message = [reason?.trim(), check.reproduction && `Reproduce: ${check.reproduction}`, check.hint && `Hint: ${check.hint.trim()}`]
    .filter(Boolean)
    .join('\n\n')
  return {
    name: check.name,
    status,
    ...(status === 'pass' || !message ? {} : { message }),
    ...(check.output ? { output: limitOutput(check.output) } : {}),
    test_code: testCode,
  }
}

/**
 * One submission's Exercism results.json.
 *
 * @example
 * const codes = await checkTestCode(exercise.dir, exercise.checks)
 * await writeFile('results.json', JSON.stringify(toExercismResults(result, codes), null, 2))
 */
export function toExercismResults(result: SubmissionResult, testCode: Map<string, string>): ExercismResults {
  const tests = result.tests.map((check) => toExercismTest(check, testCode.get(check.name) ?? check.name))
  if (!result.gradable) return { version: 3, status: 'error', message: result.message ?? 'The submission could not be graded.', tests }
  return { version: 3, status: tests.every((test) => test.status === 'pass') ? 'pass' : 'fail', tests }
}
