/**
 * Checks are the instructor's code, run on the host (in a check thread): one that never settles,
 * never yields or throws must end as that check's error, pointing at its line in checks.ts, and
 * the grade must go on.
 */
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { checkExercise } from '../content/check-exercise.ts'
import type { SessionStore } from '../sessions/index.ts'
import { useExerciseFixture } from './exercise-fixture.ts'
import { gradeSubmission } from './grade.ts'

const CHECKS = `export default [
  {
    name: 'GET / answers 200',
    async run(t) {
      t.expectStatus(await t.request('GET', '/'), 200, 'the app is up')
      t.state.seen = 'by the first check'
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
    name: 'never yields',
    deadlineMs: 300,
    async run(t) {
      await t.request('GET', '/')
      while (true) {}
    },
  },
  {
    name: 'GET / still answers after them',
    async run(t) {
      t.expectStatus(await t.request('GET', '/'), 200, 'the app is up')
      t.expect(t.state.seen).toBe('by the first check')
    },
  },
]
`
const APP = `import { Hono } from 'hono'\nconst app = new Hono()\napp.get('/', (c) => c.text('ok'))\nexport default app\n`

const fixture = useExerciseFixture('broken-checks', {
  'checks.ts': CHECKS,
  'solution.ts': APP,
  'starter.ts': APP.replace("c.text('ok')", "c.text('not yet', 501)"),
  'hints.md': '## A nudge\n\nLook at GET /.\n\n## The idea\n\nAnswer 200.\n',
})

describe('a broken check', () => {
  it('that never settles ends as error at its deadline, one that throws as error with its line; the rest are graded', async () => {
    const exercise = await fixture.load()
    const { sessions } = fixture
    const result = await gradeSubmission({ exercise, code: exercise.solution, sessions })
    expect(result.tests.map((test) => test.status)).toEqual(['pass', 'error', 'error', 'error', 'pass'])
    expect(result.tests[1]!.message).toBe(
      'This check did not finish: checks.ts:12 was still running after 0.3 s. This exercise has a broken check, not a problem with your code: please tell your instructor.',
    )
    expect(result.tests[2]!.message).toMatch(
      /^This check could not run: checks\.ts:22 threw TypeError: Cannot read properties of undefined \(reading 'status'\)\. This exercise has a broken check/,
    )
    // A `while (true) {}` holds its thread, not the server's: the grade ends and later checks run.
    expect(result.tests[3]!.message).toBe(
      'This check did not finish: checks.ts:28 was still running after 0.3 s. This exercise has a broken check, not a problem with your code: please tell your instructor.',
    )
  })

  it('leaves the server answering while a check spins', async () => {
    const exercise = await fixture.load()
    const { sessions } = fixture
    // The same store, telling the test when the spinning check has sent its last request.
    let spinning!: () => void
    const spun = new Promise<void>((resolve) => (spinning = resolve))
    let requests = 0
    const watched: SessionStore = {
      ...sessions,
      request(id, request) {
        // The fourth request of a grade is the spinning check's; its loop starts after the answer.
        if (++requests === 4) void Promise.resolve().then(spinning)
        return sessions.request(id, request)
      },
    }
    const grading = gradeSubmission({ exercise, code: exercise.solution, sessions: watched })
    await spun
    const session = await sessions.create({ exerciseId: exercise.id })
    await sessions.setCode(session.id, exercise.solution)
    for (let i = 0; i < 3; i++) expect((await sessions.request(session.id, { method: 'GET', path: '/', headers: [], body: null })).status).toBe(200)
    expect((await grading).tests.at(-1)!.status).toBe('pass')
    await sessions.delete(session.id)
  })

  it('is reported by lessons:check at its line in checks.ts, for the instructor', async () => {
    const problems = await checkExercise('broken-checks', {
      exercisesDir: join(fixture.root, 'exercises'),
      rootDir: fixture.root,
      db: fixture.db,
      sessions: fixture.sessions,
    })
    expect(problems).toEqual([
      expect.objectContaining({
        file: 'exercises/broken-checks/checks.ts',
        line: 12,
        field: 'check "never settles"',
        message: 'was still running after 0.3 s',
      }),
      expect.objectContaining({
        file: 'exercises/broken-checks/checks.ts',
        line: 22,
        field: 'check "throws"',
        message: "threw TypeError: Cannot read properties of undefined (reading 'status')",
      }),
      expect.objectContaining({
        file: 'exercises/broken-checks/checks.ts',
        line: 28,
        field: 'check "never yields"',
        message: 'was still running after 0.3 s',
      }),
    ])
  })
})
