/**
 * Checks for test-writing exercises, where the learner writes the tests: good tests pass on the
 * real app (`testsPass`) and fail on each copy of it with one planted bug (`catchesMutant`), the
 * way mutation testing judges a test suite. The learner's tests are untrusted and run inside
 * the sandbox; these checks only read their results.
 *
 * @example
 * export default defineChecks([
 *   testsPass(),
 *   catchesMutant({ bug: 'orders of exactly 50.00 pay for shipping', mutate: ['subtotal >= 5000', 'subtotal > 5000'] }),
 * ])
 */
import { ServerBusy } from '../runtime/errors.ts'
import type { CheckDefinition, TestResult } from './checks.ts'
import { plural } from '../content/problems.ts'

export const TESTS_PASS = 'Your tests pass against the real app'

function describeTest({ name, status, message, at }: TestResult): string {
  if (status === 'pass') return `✓ ${name}`
  return `✗ ${name}${at ? ` (${at})` : ''}: ${message ?? 'failed'}`
}

/** Passes when the learner has tests and every one passes against the real app. */
export function testsPass({ hint = 0 }: { hint?: number } = {}): CheckDefinition {
  return {
    name: TESTS_PASS,
    description: 'Runs your tests against the real app.ts on a fresh copy of the database: there is at least one test, and every test passes.',
    hint,
    async run(t) {
      const run = await t.runTests()
      const tests = run.tests ?? t.fail(`Your tests did not finish against the real app: ${run.stopped}`)
      if (tests.length === 0) {
        t.fail("You have no tests yet: import { test, expect } from 'sandbox/test' and write one with test('what it checks', async () => { ... }).")
      }
      const failing = tests.filter((test) => test.status === 'fail')
      if (failing.length) {
        t.fail(
          `${failing.length} of ${plural(tests.length, 'test')} fail against the real app, which has no bugs: ` +
            `a test that fails on correct code checks the wrong thing, has a typo, or reuses data another test already created ` +
            `(every test shares one database: give each its own, such as its own email).\n${failing.map(describeTest).join('\n')}`,
        )
      }
    },
  }
}

export interface Mutant {
  /** What is wrong with this copy, as learners read it: "orders of exactly 50.00 pay for shipping". */
  bug: string
  /** The one change that plants the bug: the text to find in app.ts (exactly once) and its replacement. */
  mutate: [find: string, replace: string]
  hint?: number
  weight?: number
}

/** Passes when at least one of the learner's tests fails against the app with this bug planted. */
export function catchesMutant({ bug, mutate, hint = 1, weight }: Mutant): CheckDefinition {
  return {
    name: `Your tests catch the bug: ${bug}`,
    description: `Runs your tests against a copy of app.ts where ${bug}: at least one test must fail.`,
    hint,
    ...(weight === undefined ? {} : { weight }),
    requires: [TESTS_PASS],
    async run(t) {
      const run = await t.runTests({ mutate })
      // A copy that loops or crashes on load is caught too: a real test run would fail. A
      // server too busy to finish the run says nothing about the tests.
      if (run.busy) throw new ServerBusy()
      if (run.stopped !== undefined) return
      const caughtBy = run.tests.filter((test) => test.status === 'fail')
      if (caughtBy.length === 0) {
        t.fail(
          `${run.tests.length === 1 ? 'Your one test still passes' : `All ${run.tests.length} of your tests still pass`} against a copy of the app where ${bug}. ` +
            `Add a test that sends the request where this bug shows, and expects the right answer.`,
        )
      }
    },
  }
}
