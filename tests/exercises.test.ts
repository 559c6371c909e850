/**
 * Every exercise on disk, graded by the same function learners and graders use: its solution
 * must pass every check and its starter must fail at least one, so a broken lesson never lands.
 */
import { afterAll, describe, expect, it } from 'vitest'
import { createDbPool } from '../sandbox-server/capabilities/db/index.ts'
import { createSessionStore } from '../sandbox-server/sessions/index.ts'
import { listExercises, loadExercise } from '../sandbox-server/exercises/index.ts'
import { gradeSubmission } from '../sandbox-server/grading/index.ts'

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

describe.each(ids)('exercise %s', (id) => {
  it('its solution passes every check', async () => {
    const exercise = await loadExercise(id)
    const result = await gradeSubmission({ exercise, code: exercise.solution, sessions })
    const failures = result.tests.filter((test) => test.status !== 'pass').map((test) => `${test.name}: ${test.status}: ${test.message}`)
    expect(failures).toEqual([])
    expect(result).toMatchObject({ status: 'pass', gradable: true, score: result.maxScore })
  })

  it('its starter runs but fails at least one check', async () => {
    const exercise = await loadExercise(id)
    const result = await gradeSubmission({ exercise, code: exercise.starter, sessions })
    expect(result.gradable, result.message).toBe(true)
    expect(result.status).toBe('fail')
  })

  it('has hints for its checks', async () => {
    const exercise = await loadExercise(id)
    expect(exercise.hints.length).toBeGreaterThanOrEqual(2)
    for (const check of exercise.checks) expect(check.hint ?? 0).toBeLessThan(exercise.hints.length)
  })
})
