/**
 * `--typecheck`: tsc's errors in each submission, at the submission's own lines, found in one
 * TypeScript program in a worker thread while the grading runs (content/type-check.ts: strict,
 * against the `sandbox` module's types and the packages learners import). A test-writing
 * exercise's `./app` is its app.ts. They are reported beside the grade and never change it.
 */
import { join } from 'node:path'
import type { Exercise } from '../exercises/index.ts'
import { typeCheckInWorker } from '../content/source-checks.ts'
import type { Paint } from './colors.ts'
import type { Submission } from './submissions.ts'
import type { TscError } from './results.ts'

/**
 * The type errors of each submission, by its absolute path; undefined, with the reason, when
 * type-checking itself failed.
 *
 * @example
 * const errors = await typeErrorsOf(exercise, target.submissions)
 * errors.get('/abs/submissions/alice.ts') // [{ line: 3, column: 7, message: "Type 'string' is ... (TS2322)" }]
 */
export async function typeErrorsOf(exercise: Exercise, submissions: Submission[]): Promise<Map<string, TscError[]> | { failed: string }> {
  const paths = submissions.filter((submission) => submission.problem === undefined).map((submission) => submission.path)
  const byPath = new Map<string, TscError[]>(paths.map((path) => [path, []]))
  try {
    const appFile = exercise.appUnderTest === undefined ? undefined : join(exercise.dir, 'app.ts')
    for (const { file, line, column, message } of await typeCheckInWorker(paths, { appFile })) byPath.get(file)?.push({ line, column, message })
  } catch (error) {
    return { failed: (error as Error).message }
  }
  return byPath
}

/**
 * The terminal lines for --typecheck: each submission with errors, one line per error.
 *
 * @example
 * formatTypeErrors([{ file: 'alice.ts', errors }], paint)
 * // "Type errors (not counted in the grade):\n  alice.ts:3:7 Type 'string' is not assignable ..."
 */
export function formatTypeErrors(files: { file: string; errors: TscError[] | undefined }[], paint: Paint): string {
  const withErrors = files.filter(({ errors }) => errors?.length)
  if (withErrors.length === 0) return `${paint.bold('Type errors:')} none\n`
  const lines = withErrors.flatMap(({ file, errors }) => errors!.map(({ line, column, message }) => `  ${file}:${line}:${column} ${message}`))
  return `${paint.bold('Type errors')} (not counted in the grade):\n${lines.join('\n')}\n`
}
