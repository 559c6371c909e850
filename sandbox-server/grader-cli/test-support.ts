/**
 * For the grader's tests only (and lessons:check's): results to test the output formats with (a
 * check of any status, a submission around some checks), xmllint's verdict on a JUnit document
 * against junit.xsd, and a command-line function run in process with its output collected.
 * Nothing here grades anything.
 */
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { expect } from 'vitest'
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

export interface CliRun {
  code: number
  stdout: string
  stderr: string
  durationMs: number
}

/**
 * Runs a command-line function (the one its script runs: runGraderCli, runLessonsCheck) in this
 * process, with stdout and stderr collected as text from streams that are not terminals.
 *
 * @example
 * const { code, stderr } = await runInProcess(runGraderCli, ['--exercise', 'nope', 'x.ts'])
 */
export async function runInProcess(
  cli: (argv: string[], streams: { stdout: NodeJS.WriteStream; stderr: NodeJS.WriteStream }) => Promise<number>,
  argv: string[],
): Promise<CliRun> {
  const started = performance.now()
  const stream = () => {
    const collected = { isTTY: false, text: '', write: (chunk: string) => ((collected.text += chunk), true) }
    return collected
  }
  const [stdout, stderr] = [stream(), stream()]
  const code = await cli(argv, { stdout: stdout as unknown as NodeJS.WriteStream, stderr: stderr as unknown as NodeJS.WriteStream })
  return { code, stdout: stdout.text, stderr: stderr.text, durationMs: performance.now() - started }
}

/** Asserts a usage error: exit 2, the message and the pointer to --help on stderr, nothing on stdout. */
export function expectUsageError(run: CliRun, message: string | RegExp, helpLine: string): void {
  expect(run.code, run.stderr).toBe(2)
  expect(run.stderr).toMatch(message)
  expect(run.stderr).toContain(helpLine)
  expect(run.stdout).toBe('')
}
