/**
 * The whole course, checked the way `npm run lessons:check` and the tests see it: every role
 * and lesson (frontmatter, numbering, unique slugs, exercises that exist), every exercise
 * (files, checks, hints, seed, solution passes, starter fails; its TypeScript type-checks and is
 * formatted as Prettier would), and exercises no lesson opens (a warning). Problems come in
 * reading order: lessons by folder, then exercises by id, though exercises are checked several
 * at once. Returns problems; printing and exit codes belong to the script.
 */
import { availableParallelism } from 'node:os'
import { access } from 'node:fs/promises'
import { basename, dirname, join, relative, sep } from 'node:path'
import { createDbPool } from '../capabilities/db/index.ts'
import { createSessionStore, type SessionStore } from '../sessions/index.ts'
import { listExercises } from '../exercises/index.ts'
import { PROJECT_ROOT, readCourse } from './lessons.ts'
import { checkExercise, type ExerciseStep } from './check-exercise.ts'
import { checkMutants } from './check-mutants.ts'
import { sortProblems, type ContentProblem } from './problems.ts'
import { TYPESCRIPT_FILES, typeCheckInWorker } from './source-checks.ts'
import { findFormatProblem } from './format-check.ts'

const exists = (file: string) =>
  access(file).then(
    () => true,
    () => false,
  )

export type CheckProgress =
  | { kind: 'course'; roles: number; lessons: number; exercises: number }
  | { kind: 'exercise'; id: string; index: number; total: number; step: ExerciseStep | 'mutants' }

export interface CheckCourseOptions {
  /** Problems name files relative to this folder. Default: the project root. */
  rootDir?: string
  /** Default: `<rootDir>/lessons`. */
  lessonsDir?: string
  /** Default: `<rootDir>/exercises`. */
  exercisesDir?: string
  /** A session store to grade in; default: one made for this run (on a new pool) and disposed after it. */
  sessions?: SessionStore
  /**
   * Check only these exercises (ids in exercises/), and report only their problems: the
   * daily loop while writing one exercise. Default: every exercise and every lesson.
   */
  only?: string[]
  /** Also grade each exercise's mutants/ (check-mutants.ts). Default: false. */
  mutants?: boolean
  onProgress?: (progress: CheckProgress) => void
  /** How many exercises are checked at once. Default: one per core (more only adds check threads). */
  concurrency?: number
  signal?: AbortSignal
}

/**
 * Every problem in the course, in reading order (lessons by folder, then exercises by id), each
 * file's problems by line.
 *
 * @example
 * const problems = await checkCourse({ rootDir: 'path/to/course' })
 * problems.filter((problem) => problem.severity === 'error') // [] when the course is ready
 */
export async function checkCourse({
  rootDir = PROJECT_ROOT,
  lessonsDir = join(rootDir, 'lessons'),
  exercisesDir = join(rootDir, 'exercises'),
  sessions,
  only,
  mutants = false,
  onProgress,
  concurrency = availableParallelism(),
  signal,
}: CheckCourseOptions = {}): Promise<ContentProblem[]> {
  const course = await readCourse({ rootDir, lessonsDir, exercisesDir })
  const { found, referencedExercises } = course
  // With `only`, the lessons are read (to know which exercises they open) but not reported.
  const problems = only ? [] : course.problems
  const exerciseIds = (await listExercises(exercisesDir)).filter((id) => !only || only.includes(id))
  onProgress?.({ kind: 'course', ...found, exercises: exerciseIds.length })

  // Grading needs sessions; when none are given this run makes its own and disposes of them.
  const ownDb = sessions ? undefined : createDbPool()
  let store: SessionStore
  try {
    store = sessions ?? (await createSessionStore({ db: ownDb! }))
  } catch (error) {
    await ownDb?.dispose()
    throw error
  }
  const pathOf = (file: string) => relative(rootDir, file).split(sep).join('/')
  const sourceFiles = (
    await Promise.all(
      exerciseIds
        .flatMap((id) => TYPESCRIPT_FILES.map((name) => join(exercisesDir, id, name)))
        .map(async (file) => ((await exists(file)) ? [file] : [])),
    )
  ).flat()
  // Type-checking runs beside the grading, in its own thread: one program for every exercise.
  const typeProblems = typeCheckInWorker(sourceFiles)
  typeProblems.catch(() => {})
  try {
    const perExercise: ContentProblem[][] = []
    const checkOne = async (index: number) => {
      const id = exerciseIds[index]!
      if (signal?.aborted) throw signal.reason ?? new Error('the check was cancelled')
      const onStep = (step: ExerciseStep | 'mutants') => onProgress?.({ kind: 'exercise', id, index, total: exerciseIds.length, step })
      const found = await checkExercise(id, { exercisesDir, rootDir, db: store.database, sessions: store, onStep, signal })
      // Mutants say something only about checks that load and a solution that passes them.
      if (mutants && !found.some((problem) => problem.severity === 'error')) {
        onStep('mutants')
        found.push(...(await checkMutants(id, { exercisesDir, rootDir, sessions: store, signal })))
      }
      for (const file of sourceFiles.filter((file) => dirname(file) === join(exercisesDir, id))) {
        const problem = await findFormatProblem(file, join(rootDir, '.prettierignore'))
        if (problem) found.push({ severity: 'error', file: pathOf(file), ...problem })
      }
      perExercise[index] = found
    }
    // Several exercises at once: a grade spends much of its time waiting (isolates, SQLite's
    // child, check threads), so the cores stay busy. Problems keep the exercises' order.
    let next = 0
    const worker = async () => {
      while (next < exerciseIds.length) await checkOne(next++)
    }
    await Promise.all(Array.from({ length: Math.min(concurrency, exerciseIds.length) }, worker))
    for (const { file, column: _column, ...problem } of await typeProblems) {
      perExercise[exerciseIds.indexOf(basename(dirname(file)))]!.push({ severity: 'error', file: pathOf(file), ...problem })
    }
    for (const [index, id] of exerciseIds.entries()) {
      problems.push(...perExercise[index]!)
      if (referencedExercises.has(id)) continue
      problems.push({
        severity: 'warning',
        file: pathOf(join(exercisesDir, id)),
        message: `no lesson opens this exercise (add "exercise: ${id}" to a lesson's frontmatter)`,
      })
    }
  } finally {
    if (!sessions) await store.dispose()
    await ownDb?.dispose()
  }
  return sortProblems(problems)
}
