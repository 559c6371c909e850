/**
 * For the grader's tests only: results to test the output formats with (a check of any status,
 * a submission around some checks), and xmllint's verdict on a JUnit document against junit.xsd.
 * Nothing here grades anything.
 */
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import type { CheckResult, SubmissionResult } from '../grading/index.ts'

const JUNIT_SCHEMA = fileURLToPath(new URL('./junit.xsd', import.meta.url))

/**
 * xmllint's complaints about `xml` against junit.xsd (what Jenkins xUnit's junit-10.xsd
 * allows), or '' when it is valid. Throws, saying how to install it, when xmllint is missing.
 */
export function junitSchemaProblems(xml: string): string {
  const run = spawnSync('xmllint', ['--noout', '--schema', JUNIT_SCHEMA, '-'], { input: xml, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 })
  if (run.error) throw new Error(`xmllint is missing: install it with apt-get install -y libxml2-utils (${run.error.message})`)
  return run.status === 0 ? '' : run.stderr
}

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
