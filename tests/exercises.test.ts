/**
 * Every exercise on disk, checked once per run the way `npm run lessons:check` checks it: its
 * files, checks, hints and seed are valid, its solution passes every check and its starter runs
 * but fails at least one (graded by the same gradeSubmission learners meet), so a broken lesson
 * never lands. One test per exercise: a slow exercise has its own timeout and its own message.
 */
import { afterAll, expect, it } from 'vitest'
import { createDbPool } from '../sandbox-server/capabilities/db/index.ts'
import { createSessionStore } from '../sandbox-server/sessions/index.ts'
import { EXERCISES_DIR, listExercises } from '../sandbox-server/exercises/index.ts'
import { PROJECT_ROOT, formatProblem } from '../sandbox-server/content/index.ts'
import { checkExercise } from '../sandbox-server/content/check-exercise.ts'

const db = createDbPool()
const sessions = await createSessionStore({ db })
afterAll(async () => {
  await sessions.dispose()
  await db.dispose()
})

const ids = await listExercises()

it('finds the exercises', () => {
  expect(ids.length).toBeGreaterThanOrEqual(2)
})

it.each(ids)('exercise %s: valid files, checks and hints; the solution passes every check, the starter fails one', async (id) => {
  const problems = await checkExercise(id, { exercisesDir: EXERCISES_DIR, rootDir: PROJECT_ROOT, db, sessions })
  expect(problems.map(formatProblem)).toEqual([])
})
