/**
 * Vitest's `expect` built from @vitest/expect (a dependency), without Vitest's test runner: the
 * same plugins on chai and the same steps as Vitest's own createExpect. Two realms use it: the
 * isolate, for learners' own tests (test-library.ts, bundled into the isolate), and the check
 * thread on the host (grading/check-worker.ts), so a production install (`npm ci --omit=dev`,
 * no vitest) can still grade. Importing it sets chai up in that realm.
 */
import {
  ASYMMETRIC_MATCHERS_OBJECT,
  JestAsymmetricMatchers,
  JestChaiExpect,
  JestExtend,
  chai,
  customMatchers,
  getState,
  setState,
  type ExpectStatic,
} from '@vitest/expect'

chai.use(JestExtend)
chai.use(JestChaiExpect)
chai.use(JestAsymmetricMatchers)
// Whole values in messages ("expected { id: 1, name: 'Ada' } ..."), not Vitest's 40-character
// cut ("{ id: 1, …(1) }"), which hides the field that differs.
chai.config.truncateThreshold = 600

/**
 * A new `expect`. `currentTest` names the test running now, if any: `.resolves` and `.rejects`
 * assertions record their promises on it, so the runner can wait for them.
 *
 * @example
 * const expect = createExpect()
 * expect({ id: 1 }).toEqual({ id: expect.any(Number) })
 */
export function createExpect(currentTest: () => object | undefined = () => undefined): ExpectStatic {
  const expect = ((value: unknown, message?: string) => {
    setState({ assertionCalls: getState(expect).assertionCalls + 1 }, expect)
    const assertion = chai.expect(value, message)
    const test = currentTest()
    return test ? (assertion as unknown as { withTest(test: object): Chai.Assertion }).withTest(test) : assertion
  }) as unknown as ExpectStatic
  Object.assign(expect, chai.expect)
  Object.assign(expect, (globalThis as Record<PropertyKey, unknown>)[ASYMMETRIC_MATCHERS_OBJECT])
  expect.getState = () => getState(expect)
  expect.setState = (state) => setState(state, expect)
  expect.setState({ assertionCalls: 0, isExpectingAssertions: false, expectedAssertionsNumber: null, currentTestName: '' })
  expect.assert = chai.assert
  expect.extend = (matchers) => (chai.expect as unknown as { extend(e: unknown, m: object): void }).extend(expect, matchers)
  expect.unreachable = (message?: string) => chai.assert.fail(`expected${message ? ` "${message}" ` : ' '}not to be reached`)
  expect.extend(customMatchers)
  return expect
}
