/**
 * The grader's backstop: a submission whose grading outlasts the per-submission deadline (here a
 * check that never settles, with a check deadline far above the batch's) becomes that student's
 * error with the reason, and the batch still answers for every student, in order.
 */
import { describe, expect, it } from 'vitest'
import { useExerciseFixture } from '../grading/exercise-fixture.ts'
import { gradeBatch } from './grade-batch.ts'
import type { Submission } from './submissions.ts'

const APP = `import { Hono } from 'hono'
const app = new Hono()
app.get('/', (c) => c.text('up'))
export default app
`

const fixture = useExerciseFixture('hangs', {
  'checks.ts': `export default [
  {
    name: 'waits for ever',
    deadlineMs: 5000,
    async run(t) {
      await t.request('GET', '/')
      await new Promise(() => {})
    },
  },
]
`,
  'starter.ts': APP,
  'solution.ts': APP,
  'alice.ts': APP,
  'bob.ts': APP,
})

describe('the per-submission deadline', () => {
  it('gives each submission that outlasts it an error saying so, and answers for every student in order', async () => {
    const exercise = await fixture.load()
    const submissions: Submission[] = ['alice', 'bob'].map((student) => ({
      student,
      file: `${student}.ts`,
      path: `${fixture.root}/exercises/hangs/${student}.ts`,
    }))
    const results = await gradeBatch({ exercise, submissions, sessions: fixture.sessions, deadlineMs: 300, concurrency: 2 })
    expect(results.map(({ student, status, gradable, message }) => ({ student, status, gradable, message }))).toEqual(
      ['alice', 'bob'].map((student) => ({
        student,
        status: 'error',
        gradable: false,
        message: 'The grader could not grade this submission: grading stopped after 0.3 s.',
      })),
    )
  })
})
