/**
 * Do an exercise's checks catch the bugs learners really write? `exercises/<id>/mutants/` holds
 * small edited copies of solution.ts, one realistic bug each, the first line a `// ` comment
 * saying which. `lessons:check --mutants` grades every one like a submission: a mutant that
 * passes every check is an error (the checks would pass that learner), and a check that fails
 * on no mutant is reported as a warning (it catches none of the bugs written down so far).
 */
import { readdir } from 'node:fs/promises'
import { join, relative, sep } from 'node:path'
import type { SessionStore } from '../sessions/index.ts'
import { loadExercise, readOptional } from '../exercises/index.ts'
import { gradeSubmission } from '../grading/index.ts'
import type { ContentProblem } from './problems.ts'

export interface CheckMutantsOptions {
  exercisesDir: string
  /** Problems name files relative to this folder. */
  rootDir: string
  sessions: SessionStore
  signal?: AbortSignal
}

/** The mutant files of an exercise, sorted; none when it has no mutants/ folder. */
export async function listMutants(exerciseDir: string): Promise<string[]> {
  const entries = await readdir(join(exerciseDir, 'mutants'), { withFileTypes: true }).catch(() => [])
  return entries
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
    .map((entry) => entry.name)
    .sort()
}

/** "string-built SQL" from a first line "// string-built SQL", or undefined. */
export function mutantDescription(source: string): string | undefined {
  const first = /^\/\/ *(\S.*)$/.exec(source.split('\n')[0] ?? '')
  return first?.[1]?.trim()
}

/**
 * The problems the mutants of one exercise reveal: none when it has no mutants.
 *
 * @example
 * const problems = await checkMutants('crud-notes', { exercisesDir, rootDir, sessions })
 */
export async function checkMutants(id: string, { exercisesDir, rootDir, sessions, signal }: CheckMutantsOptions): Promise<ContentProblem[]> {
  const dir = join(exercisesDir, id)
  const files = await listMutants(dir)
  if (files.length === 0) return []
  const pathOf = (file: string) => relative(rootDir, join(dir, file)).split(sep).join('/')
  const exercise = await loadExercise(id, exercisesDir)
  const problems: ContentProblem[] = []
  const killed = new Set<string>()
  for (const name of files) {
    const file = `mutants/${name}`
    const source = (await readOptional(join(dir, file))) ?? ''
    const description = mutantDescription(source)
    if (description === undefined) {
      problems.push({
        severity: 'error',
        file: pathOf(file),
        line: 1,
        message: 'the first line should be a comment saying which bug this is: // <the bug>',
      })
    }
    const result = await gradeSubmission({ exercise, code: source, sessions, signal })
    if (!result.gradable) {
      problems.push({
        severity: 'error',
        file: pathOf(file),
        message: `cannot be graded (${(result.message ?? '').split('\n')[0]}); a mutant is a learner's bug, so it must compile and load`,
      })
      continue
    }
    // A check kills a mutant when it fails on it; one skipped behind another's failure does not.
    const failing = result.tests.filter((test) => test.status !== 'pass' && test.status !== 'skipped')
    for (const test of failing) killed.add(test.name)
    if (failing.length === 0) {
      problems.push({
        severity: 'error',
        file: pathOf(file),
        line: 1,
        field: 'mutant',
        message: `passes every check, so a learner with this bug would pass too: ${description ?? 'add a check that fails on it'}`,
      })
    }
  }
  for (const check of exercise.checks) {
    if (killed.has(check.name)) continue
    problems.push({
      severity: 'warning',
      file: pathOf('checks.ts'),
      field: `check "${check.name}"`,
      message: `fails on none of the mutants in mutants/ (${files.length} so far): add one with the bug it is there to catch`,
    })
  }
  return problems
}
