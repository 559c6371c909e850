import { readFile } from 'node:fs/promises'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createDbPool, type DbPool } from '../capabilities/db/index.ts'
import { loadExercise } from '../exercises/index.ts'
import { createSessionStore, type SessionStore } from '../sessions/index.ts'
import { localSessions } from '../sessions/service.ts'
import { createServerApp } from './app.ts'
import { solutionPolicyFrom, type SolutionPolicy } from './solutions.ts'

let db: DbPool
let sessions: SessionStore
beforeAll(async () => {
  db = createDbPool()
  sessions = await createSessionStore({ db })
})
afterAll(async () => {
  await sessions.dispose()
  await db.dispose()
})

/** A session of `exerciseId` (null: a playground) holding `code`, as POST /api/sessions would make it. */
async function sessionWith(code: string, exerciseId: string | null = 'crud-notes') {
  const exercise = exerciseId === null ? undefined : await loadExercise(exerciseId)
  const session = await sessions.create({ exerciseId: exercise?.id, seedSql: exercise?.seedSql })
  await sessions.setCode(session.id, code)
  return session.id
}

function serverWith(solutions: SolutionPolicy) {
  const app = createServerApp({ sessions: localSessions(sessions), solutions })
  const call = async (method: string, path: string) => {
    const response = await app.request(`http://localhost/api/sessions/${path}`, { method })
    return { status: response.status, body: await response.json() }
  }
  return {
    grade: (id: string) => call('POST', `${id}/grade`),
    solution: (id: string) => call('GET', `${id}/solution`),
  }
}

describe('reference solutions, by the SOLUTIONS policy', () => {
  it('after-attempt (the default): refused until the code was checked and counted as an attempt', async () => {
    const exercise = await loadExercise('crud-notes')
    const server = serverWith('after-attempt')
    const starter = await sessionWith(exercise.starter)
    expect(await server.solution(starter)).toMatchObject({ status: 403, body: { error: { code: 'solution_locked' } } })
    expect((await server.grade(starter)).body).toMatchObject({ gradable: true, status: 'fail' })
    expect(await server.solution(starter)).toEqual({
      status: 200,
      body: { exerciseId: 'crud-notes', file: 'solution.ts', code: await readFile(`${exercise.dir}/solution.ts`, 'utf8') },
    })
  })

  it('never: refused even after an attempt', async () => {
    const server = serverWith('never')
    const id = await sessionWith((await loadExercise('crud-notes')).starter)
    await server.grade(id)
    expect(await server.solution(id)).toMatchObject({
      status: 403,
      body: { error: { code: 'solutions_hidden', message: 'Solutions are not shown in this course.' } },
    })
  })

  it('always: served without an attempt; a playground session has no solution', async () => {
    const server = serverWith('always')
    const { starter } = await loadExercise('crud-notes')
    expect(await server.solution(await sessionWith(starter))).toMatchObject({ status: 200, body: { file: 'solution.ts' } })
    expect(await server.solution(await sessionWith(starter, null))).toMatchObject({
      status: 409,
      body: { error: { code: 'no_exercise' } },
    })
  })

  it('reads the setting, and names the accepted values for a wrong one', () => {
    expect(solutionPolicyFrom(undefined)).toBe('after-attempt')
    expect(solutionPolicyFrom('never')).toBe('never')
    expect(() => solutionPolicyFrom('sometimes')).toThrow('SOLUTIONS must be one of after-attempt, never, always, got "sometimes".')
  })
})
