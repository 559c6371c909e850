import { Value } from '@sinclair/typebox/value'
import { describe, expect, it } from 'vitest'
import { sampleCheck, sampleResult } from './test-support.ts'
import { ExercismResults, toExercismResults } from './exercism.ts'

const check = sampleCheck
const result = sampleResult
const code = (...names: string[]) => new Map(names.map((name) => [name, `await t.request('GET', '/${name.length}')`]))

function expectV3(results: unknown) {
  expect([...Value.Errors(ExercismResults, results)].map(({ path, message }) => `${path}: ${message}`)).toEqual([])
}

describe('Exercism results.json v3', () => {
  it('maps timeout to error and skipped to fail, with the reason in the message', () => {
    const results = toExercismResults(
      result([
        check('pass', { output: 'listening' }),
        check('fail', { message: 'expected 200', reproduction: "curl -i '$APP_URL/notes'", hint: 'bind it' }),
        check('timeout', { message: 'Your app used more than 1 s of CPU.' }),
        check('error', { message: 'Your app threw: boom' }),
        check('skipped', { message: 'Skipped until this passes: a fail check' }),
      ]),
      code('a pass check', 'a fail check'),
    )
    expectV3(results)
    expect(results.status).toBe('fail')
    expect(results.tests.map((test) => test.status)).toEqual(['pass', 'fail', 'error', 'error', 'fail'])
    expect(results.tests[0]).toEqual({ name: 'a pass check', status: 'pass', output: 'listening', test_code: "await t.request('GET', '/12')" })
    expect(results.tests[1]!.message).toBe("expected 200\n\nReproduce: curl -i '$APP_URL/notes'\n\nHint: bind it")
    expect(results.tests[2]!.message).toBe('Your app hit a limit, so this check could not finish. Your app used more than 1 s of CPU.')
    expect(results.tests[4]!.message).toBe('Not run. Skipped until this passes: a fail check')
    // A check with no code found falls back to its name.
    expect(results.tests[2]!.test_code).toBe('a timeout check')
  })

  it('passes with every test passing, and has no top-level message then', () => {
    const results = toExercismResults(result([check('pass')], { status: 'pass', score: 1 }), code('a pass check'))
    expectV3(results)
    expect(results).toEqual({ version: 3, status: 'pass', tests: [expect.objectContaining({ status: 'pass' })] })
  })

  it('is error with the reason as the top-level message when the code could not be graded', () => {
    const results = toExercismResults(result([], { status: 'error', gradable: false, message: 'Your code does not compile: line 3' }), code())
    expectV3(results)
    expect(results).toEqual({ version: 3, status: 'error', message: 'Your code does not compile: line 3', tests: [] })
  })

  it('keeps output within 500 characters, the truncation note included', () => {
    const results = toExercismResults(result([check('fail', { output: 'x'.repeat(2000) })]), code())
    expectV3(results)
    expect(results.tests[0]!.output!.length).toBeLessThanOrEqual(500)
    expect(results.tests[0]!.output).toMatch(/truncated\)$/)
  })

  it('is a schema that refuses what v3 does not allow', () => {
    const invalid = [
      { version: 3, status: 'fail', tests: [{ name: 'a', status: 'timeout', test_code: 'x' }] },
      { version: 3, status: 'fail', tests: [{ name: 'a', status: 'skipped', test_code: 'x' }] },
      { version: 3, status: 'error', tests: [] },
      { version: 3, status: 'fail', tests: [{ name: 'a', status: 'fail', test_code: 'x', output: 'y'.repeat(501) }] },
      { version: 3, status: 'pass', tests: [{ name: 'a', status: 'pass' }] },
      { version: 3, status: 'pass', score: 1, tests: [] },
    ]
    for (const results of invalid) expect(Value.Check(ExercismResults, results), JSON.stringify(results)).toBe(false)
  })
})
