/**
 * Results to test the output formats with (JUnit, Exercism, Gradescope): a check of any status
 * and a submission around some checks. For tests only; nothing here grades anything.
 */
import type { CheckResult, SubmissionResult } from '../grading/index.ts'

/** A check result named after its status, worth 1 point, that took 1.2345 s. */
export const sampleCheck = (status: CheckResult['status'], extra: Partial<CheckResult> = {}): CheckResult => ({
  name: `a ${status} check`,
  status,
  weight: 1,
  durationMs: 1234.5,
  ...extra,
})

/** A gradable crud-notes submission that failed with 1 point, graded in 2.5 s. */
export const sampleResult = (tests: CheckResult[], extra: Partial<SubmissionResult> = {}): SubmissionResult => ({
  version: 3,
  exerciseId: 'crud-notes',
  status: 'fail',
  gradable: true,
  score: 1,
  maxScore: tests.length,
  durationMs: 2500,
  tests,
  ...extra,
})
