/**
 * The mutant format: a description line, then find/replace pairs against solution.ts; every
 * malformed file or edit that cannot apply is a problem at its line, never a silent no-op.
 */
import { describe, expect, it } from 'vitest'
import { applyMutant, parseMutant } from './mutant-patch.ts'

const SOLUTION = `app.get('/double/:n', (c) => {
  const n = Number(c.req.param('n'))
  return c.json({ result: n * 2 })
})
app.get('/half/:n', (c) => {
  const n = Number(c.req.param('n'))
  return c.json({ result: n / 2 })
})
`

describe('parseMutant', () => {
  it('reads the description and each pair, dropping the blank lines that end a block', () => {
    const { patch, problems } = parseMutant(
      'Adds instead of doubling\n--- find\n  return c.json({ result: n * 2 })\n--- replace\n  return c.json({ result: n + 2 })\n\n--- find\nn / 2\n--- replace\nn * 2\n',
    )
    expect(problems).toEqual([])
    expect(patch).toEqual({
      description: 'Adds instead of doubling',
      edits: [
        { find: '  return c.json({ result: n * 2 })', replace: '  return c.json({ result: n + 2 })', line: 2 },
        { find: 'n / 2', replace: 'n * 2', line: 7 },
      ],
    })
  })

  it('lets a replace delete the lines it finds', () => {
    expect(parseMutant('Forgets the check\n--- find\n  if (!ok) return\n--- replace\n').patch.edits).toEqual([
      { find: '  if (!ok) return', replace: '', line: 2 },
    ])
  })

  it('names the line of each malformed part', () => {
    expect(parseMutant('--- find\nx\n--- replace\ny\n').problems).toEqual([
      { line: 1, message: 'the first line should say which bug this is, in one line (e.g. "The note is pasted into the SQL text")' },
    ])
    expect(parseMutant('A bug\nstray text\n--- find\nx\n').problems).toEqual([
      { line: 2, message: 'text before the first "--- find": after the description come find/replace pairs' },
      { line: 3, message: 'this "--- find" has no "--- replace" after it' },
    ])
    expect(parseMutant('A bug\n').problems).toEqual([
      {
        line: 1,
        message: 'no edits: add a "--- find" line, the text of solution.ts to change, a "--- replace" line and the learner\'s version',
      },
    ])
  })
})

describe('applyMutant', () => {
  const edit = (find: string, replace: string, line = 2) => ({ description: 'A bug', edits: [{ find, replace, line }] })

  it('replaces the one place a find occurs, taking $ in the replace literally', () => {
    expect(applyMutant(SOLUTION, edit('n * 2', '`${n}$&`')).source).toBe(SOLUTION.replace('n * 2', () => '`${n}$&`'))
  })

  it('refuses a find that is missing, repeated or empty, and an edit that changes nothing', () => {
    expect(applyMutant(SOLUTION, edit('n * 3', 'n')).problems).toEqual([
      { line: 2, message: 'this find is not in solution.ts: copy the lines exactly, indentation included' },
    ])
    expect(applyMutant(SOLUTION, edit("  const n = Number(c.req.param('n'))", '  const n = 1', 5))).toEqual({
      problems: [{ line: 5, message: 'this find occurs 2 times in solution.ts: add a line around it so it occurs once' }],
    })
    expect(applyMutant(SOLUTION, edit('', 'x')).problems[0]?.message).toBe('this find is empty: copy the lines of solution.ts to change')
    expect(applyMutant(SOLUTION, edit('n * 2', 'n * 2')).problems[0]?.message).toBe('this replace is the same as its find: the edit changes nothing')
  })
})
