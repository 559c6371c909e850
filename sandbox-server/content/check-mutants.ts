/**
 * Do an exercise's checks catch the bugs learners really write? `exercises/<id>/mutants/` holds
 * one `<name>.mutant` file per realistic bug: a one-line description and find/replace edits
 * against solution.ts (mutant-patch.ts). `lessons:check --mutants` grades every one like a submission: a mutant that
 * passes every check is an error (the checks would pass that learner), and a check that fails
 * on no mutant is reported as a warning (it catches none of the bugs written down so far).
 */
import { readdir } from 'node:fs/promises'
import { join, relative, sep } from 'node:path'
import type { SessionStore } from '../sessions/index.ts'
import { loadExercise, readOptional } from '../exercises/index.ts'
import { gradeSubmission } from '../grading/index.ts'
import { MUTANT_EXTENSION, applyMutant, parseMutant } from './mutant-patch.ts'
import type { ContentProblem } from './problems.ts'

export interface CheckMutantsOptions {
  exercisesDir: string
  /** Problems name files relative to this folder. */
  rootDir: string
  sessions: SessionStore
  signal?: AbortSignal
}

/** The files in an exercise's mutants/ folder, sorted; none when it has no such folder. */
async function listMutantsFolder(exerciseDir: string): Promise<string[]> {
  const entries = await readdir(join(exerciseDir, 'mutants'), { withFileTypes: true }).catch(() => [])
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => entry.name)
    .sort()
}

/**
 * The problems the mutants of one exercise reveal: none when it has no mutants.
 *
 * @example
 * const problems = await checkMutants('crud-notes', { exercisesDir, rootDir, sessions })
 */
export async function checkMutants(id: string, { exercisesDir, rootDir, sessions, signal }: CheckMutantsOptions): Promise<ContentProblem[]> {
  const dir = join(exercisesDir, id)
  const inFolder = await listMutantsFolder(dir)
  const files = inFolder.filter((name) => name.endsWith(MUTANT_EXTENSION))
  const pathOf = (file: string) => relative(rootDir, join(dir, file)).split(sep).join('/')
  // A copy of solution.ts left in mutants/ (the old format) would be skipped without a word.
  const problems: ContentProblem[] = inFolder
    .filter((name) => !name.endsWith(MUTANT_EXTENSION))
    .map((name) => ({
      severity: 'error',
      file: pathOf(`mutants/${name}`),
      message: `mutants/ holds only <name>${MUTANT_EXTENSION} patches (a description line, then --- find / --- replace pairs against solution.ts)`,
    }))
  if (files.length === 0) return problems
  const exercise = await loadExercise(id, exercisesDir)
  const killed = new Set<string>()
  const solution = (await readOptional(join(dir, 'solution.ts'))) ?? ''
  for (const name of files) {
    const file = `mutants/${name}`
    const { patch, problems: malformed } = parseMutant((await readOptional(join(dir, file))) ?? '')
    const { source, problems: unapplied } = applyMutant(solution, patch)
    const found = [...malformed, ...unapplied]
    problems.push(...found.map((problem) => ({ severity: 'error' as const, file: pathOf(file), ...problem })))
    if (found.length || source === undefined) continue
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
        message: `passes every check, so a learner with this bug would pass too: ${patch.description}`,
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
