import { Value } from '@sinclair/typebox/value'
import { describe, expect, it } from 'vitest'
import type { CheckResult } from '../grading/index.ts'
import { sampleCheck, sampleResult } from './test-support.ts'
import { GradescopeResults, toGradescopeResults } from './gradescope.ts'

const check = (name: string, status: CheckResult['status'], extra: Partial<CheckResult> = {}) => sampleCheck(status, { name, weight: 2, ...extra })
const checks = [
  { name: 'lists', weight: 2 },
  { name: 'creates', weight: 2 },
]

function expectShape(results: unknown) {
  expect([...Value.Errors(GradescopeResults, results)].map(({ path, message }) => `${path}: ${message}`)).toEqual([])
}

describe('Gradescope results.json', () => {
  it('scores each check by its weight, passed or failed, with the whole story in its output', () => {
    const result = sampleResult(
      [check('lists', 'pass'), check('creates', 'timeout', { message: 'Your app used more than 1 s of CPU.', output: 'started', hint: 'no loops' })],
      { score: 2, maxScore: 4, durationMs: 1234.4 },
    )
    const results = toGradescopeResults(result, checks)
    expectShape(results)
    expect(results).toMatchObject({ score: 2, execution_time: 1.234, visibility: 'visible' })
    expect(results.tests).toEqual([
      { name: 'lists', score: 2, max_score: 2, status: 'passed', output: 'Passed.', visibility: 'visible' },
      {
        name: 'creates',
        score: 0,
        max_score: 2,
        status: 'failed',
        output:
          "Your app hit a time limit, so this check could not finish. Your app used more than 1 s of CPU.\n\nYour app's output:\nstarted\n\nHint: no loops",
        visibility: 'visible',
      },
    ])
  })

  it('lists every check as failed, out of its weight, when the code could not be graded', () => {
    const result = sampleResult([], { status: 'error', gradable: false, message: 'Your code does not compile: line 3', score: 0, maxScore: 4 })
    const results = toGradescopeResults(result, checks)
    expectShape(results)
    expect(results).toMatchObject({ score: 0, output: 'Your code does not compile: line 3' })
    expect(results.tests.map(({ name, score, max_score, status }) => [name, score, max_score, status])).toEqual([
      ['lists', 0, 2, 'failed'],
      ['creates', 0, 2, 'failed'],
    ])
  })
})
