/**
 * The whole course, checked the way `npm run lessons:check` and the tests see it: every role
 * and lesson (frontmatter, numbering, unique slugs, exercises that exist), every exercise
 * (files, checks, hints, seed, solution passes, starter fails), and exercises no lesson opens
 * (a warning). Problems come in reading order: lessons by folder, then exercises by id, though
 * exercises are checked several at once. Returns problems; printing and exit codes belong to
 * the script.
 */
import { availableParallelism } from 'node:os'
import { join, relative, sep } from 'node:path'
import { createDbPool } from '../capabilities/db/index.ts'
import { createSessionStore, type SessionStore } from '../sessions/index.ts'
import { listExercises } from '../exercises/index.ts'
import { PROJECT_ROOT, readCourse } from './lessons.ts'
import { checkExercise, type ExerciseStep } from './check-exercise.ts'
import { sortProblems, type ContentProblem } from './problems.ts'

export type CheckProgress =
  | { kind: 'course'; roles: number; lessons: number; exercises: number }
  | { kind: 'exercise'; id: string; index: number; total: number; step: ExerciseStep }

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
  try {
    const perExercise: ContentProblem[][] = []
    const checkOne = async (index: number) => {
      const id = exerciseIds[index]!
      if (signal?.aborted) throw signal.reason ?? new Error('the check was cancelled')
      const onStep = (step: ExerciseStep) => onProgress?.({ kind: 'exercise', id, index, total: exerciseIds.length, step })
      const found = await checkExercise(id, { exercisesDir, rootDir, db: store.database, sessions: store, onStep, signal })
      if (!referencedExercises.has(id)) {
        found.push({
          severity: 'warning',
          file: relative(rootDir, join(exercisesDir, id)).split(sep).join('/'),
          message: `no lesson opens this exercise (add "exercise: ${id}" to a lesson's frontmatter)`,
        })
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
    problems.push(...perExercise.flat())
  } finally {
    if (!sessions) await store.dispose()
    await ownDb?.dispose()
  }
  return sortProblems(problems)
}
