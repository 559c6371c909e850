/**
 * Checks are the instructor's code, run on the host: one that never settles or throws must end
 * as that check's error, pointing at its line in checks.ts, and the grade must go on.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createDbPool, type DbPool } from '../capabilities/db/index.ts'
import { checkExercise } from '../content/check-exercise.ts'
import { loadExercise } from '../exercises/index.ts'
import { createSessionStore, type SessionStore } from '../sessions/index.ts'
import { gradeSubmission } from './grade.ts'

const CHECKS = `export default [
  {
    name: 'GET / answers 200',
    async run(t) {
      t.expectStatus(await t.request('GET', '/'), 200, 'the app is up')
    },
  },
  {
    name: 'never settles',
    deadlineMs: 300,
    async run(t) {
      await t.request('GET', '/')
      await new Promise(() => {})
    },
  },
  {
    name: 'throws',
    async run(t) {
      const response = await t.request('GET', '/')
      const missing = undefined as any
      t.expect(missing.status).toBe(response.status)
    },
  },
  {
    name: 'GET / still answers after them',
    async run(t) {
      t.expectStatus(await t.request('GET', '/'), 200, 'the app is up')
    },
  },
]
`
const APP = `import { Hono } from 'hono'\nconst app = new Hono()\napp.get('/', (c) => c.text('ok'))\nexport default app\n`

let root: string
let db: DbPool
let sessions: SessionStore
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'broken-checks-'))
  const dir = join(root, 'exercises', 'broken-checks')
  await mkdir(dir, { recursive: true })
  await writeFile(join(dir, 'checks.ts'), CHECKS)
  await writeFile(join(dir, 'solution.ts'), APP)
  await writeFile(join(dir, 'starter.ts'), APP.replace("c.text('ok')", "c.text('not yet', 501)"))
  await writeFile(join(dir, 'hints.md'), '## A nudge\n\nLook at GET /.\n\n## The idea\n\nAnswer 200.\n')
  db = createDbPool()
  sessions = await createSessionStore({ db })
})
afterAll(async () => {
  await sessions.dispose()
  await db.dispose()
  await rm(root, { recursive: true, force: true })
})

describe('a broken check', () => {
  it('that never settles ends as error at its deadline, one that throws as error with its line; the rest are graded', async () => {
    const exercise = await loadExercise('broken-checks', join(root, 'exercises'))
    const result = await gradeSubmission({ exercise, code: exercise.solution, sessions })
    expect(result.tests.map((test) => test.status)).toEqual(['pass', 'error', 'error', 'pass'])
    expect(result.tests[1]!.message).toBe(
      'This check did not finish: checks.ts:11 was still running after 0.3 s. This exercise has a broken check, not a problem with your code: please tell your instructor.',
    )
    expect(result.tests[2]!.message).toMatch(
      /^This check could not run: checks\.ts:21 threw TypeError: Cannot read properties of undefined \(reading 'status'\)\. This exercise has a broken check/,
    )
  })

  it('is reported by lessons:check at its line in checks.ts, for the instructor', async () => {
    const problems = await checkExercise('broken-checks', { exercisesDir: join(root, 'exercises'), rootDir: root, db, sessions })
    expect(problems).toEqual([
      expect.objectContaining({
        file: 'exercises/broken-checks/checks.ts',
        line: 11,
        field: 'check "never settles"',
        message: 'was still running after 0.3 s',
      }),
      expect.objectContaining({
        file: 'exercises/broken-checks/checks.ts',
        line: 21,
        field: 'check "throws"',
        message: "threw TypeError: Cannot read properties of undefined (reading 'status')",
      }),
    ])
  })
})
