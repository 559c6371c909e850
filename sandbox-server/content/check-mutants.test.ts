/**
 * `lessons:check --mutants`: each mutant of an exercise is graded for real; one that passes every
 * check is an error at its first line, and a check that fails on no mutant is a warning.
 */
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { useExerciseFixture } from '../grading/exercise-fixture.ts'
import { checkMutants } from './check-mutants.ts'
import { formatProblem } from './problems.ts'

const SOLUTION = `import { Hono } from 'hono'
const app = new Hono()
app.get('/double/:n', (c) => c.json({ result: Number(c.req.param('n')) * 2 }))
app.get('/health', (c) => c.text('ok'))
export default app
`

const CHECKS = `export default [
  {
    name: 'GET /double/2 answers 4',
    async run(t) {
      t.expectJson(await t.request('GET', '/double/2'), 200, { result: 4 }, '2 doubled is 4')
    },
  },
  {
    name: 'GET /health answers 200',
    async run(t) {
      t.expectStatus(await t.request('GET', '/health'), 200, 'the app is up')
    },
  },
]
`

const fixture = useExerciseFixture('doubler', {
  'checks.ts': CHECKS,
  'solution.ts': SOLUTION,
  'starter.ts': SOLUTION.replace('* 2', '* 1'),
  'hints.md': '## A nudge\n\nDouble it.\n\n## The idea\n\nMultiply by 2.\n',
  'mutants/adds-instead.mutant': 'Adds 2 instead of doubling: right for 2 only\n--- find\n* 2\n--- replace\n+ 2\n',
  'mutants/squares.mutant': 'Squares the number\n--- find\n* 2\n--- replace\n** 2\n',
  'mutants/triples.mutant': 'Triples the number\n--- find\n* 2\n--- replace\n* 3\n',
  'mutants/wrong-route.mutant': 'Serves the health check at the wrong path\n--- find\n/healthz\n--- replace\n/health\n',
  'mutants/old-copy.ts': SOLUTION.replace('* 2', '* 3'),
})

describe('checkMutants', () => {
  it('reports a mutant that passes every check, a patch that does not apply, a stray file, and checks that catch nothing', async () => {
    const problems = await checkMutants('doubler', {
      exercisesDir: join(fixture.root, 'exercises'),
      rootDir: fixture.root,
      sessions: fixture.sessions,
    })
    expect(problems.map(formatProblem)).toEqual([
      'exercises/doubler/mutants/old-copy.ts: mutants/ holds only <name>.mutant patches (a description line, then --- find / --- replace pairs against solution.ts)',
      'exercises/doubler/mutants/adds-instead.mutant:1: mutant: passes every check, so a learner with this bug would pass too: Adds 2 instead of doubling: right for 2 only',
      'exercises/doubler/mutants/squares.mutant:1: mutant: passes every check, so a learner with this bug would pass too: Squares the number',
      'exercises/doubler/mutants/wrong-route.mutant:2: this find is not in solution.ts: copy the lines exactly, indentation included',
      'exercises/doubler/checks.ts: warning: check "GET /health answers 200": fails on none of the mutants in mutants/ (4 so far): add one with the bug it is there to catch',
    ])
  })
})
