/**
 * `lessons:check --mutants`: each mutant of an exercise is graded for real; one that passes every
 * check is an error at its first line, and a check that fails on no mutant is a warning.
 */
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { useExerciseFixture } from '../grading/exercise-fixture.ts'
import { checkMutants, mutantDescription } from './check-mutants.ts'
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
  'mutants/adds-instead.ts': `// Adds 2 instead of doubling: right for 2 only\n${SOLUTION.replace('* 2', '+ 2')}`,
  'mutants/squares.ts': `// Squares the number\n${SOLUTION.replace('* 2', '** 2')}`,
  'mutants/triples.ts': SOLUTION.replace('* 2', '* 3'),
})

describe('checkMutants', () => {
  it('reports a mutant that passes every check, one without a description, and checks that catch nothing', async () => {
    const problems = await checkMutants('doubler', {
      exercisesDir: join(fixture.root, 'exercises'),
      rootDir: fixture.root,
      sessions: fixture.sessions,
    })
    expect(problems.map(formatProblem)).toEqual([
      'exercises/doubler/mutants/adds-instead.ts:1: mutant: passes every check, so a learner with this bug would pass too: Adds 2 instead of doubling: right for 2 only',
      'exercises/doubler/mutants/squares.ts:1: mutant: passes every check, so a learner with this bug would pass too: Squares the number',
      'exercises/doubler/mutants/triples.ts:1: the first line should be a comment saying which bug this is: // <the bug>',
      'exercises/doubler/checks.ts: warning: check "GET /health answers 200": fails on none of the mutants in mutants/ (3 so far): add one with the bug it is there to catch',
    ])
  })

  it('reads the description from the first line only', () => {
    expect(mutantDescription('// Forgets the WHERE clause\nimport ...')).toBe('Forgets the WHERE clause')
    expect(mutantDescription('import ...\n// not here')).toBeUndefined()
  })
})
