import { describe, expect, it } from 'vitest'
import { listExercises, loadExercise } from '../exercises/index.ts'
import { checkLine, checkTestCode, runsIn } from './check-source.ts'

describe('the test code of a check', () => {
  it('is the body of its run, as written in checks.ts', async () => {
    const exercise = await loadExercise('crud-notes')
    const codes = await checkTestCode(exercise.dir, exercise.checks)
    expect(codes.get('GET /notes/:id answers 404 for a missing note')).toBe(
      "const response = await t.request('GET', '/notes/999')\nt.expectStatus(response, 404, 'there is no note 999')",
    )
    expect([...codes.keys()]).toEqual(exercise.checks.map((check) => check.name))
    expect(await checkLine(exercise.dir, 'GET /notes lists the notes')).toBe(6)
  })

  it('is found for every check of every exercise, or given by a description', async () => {
    const missing: string[] = []
    for (const id of await listExercises()) {
      const exercise = await loadExercise(id)
      const codes = await checkTestCode(exercise.dir, exercise.checks)
      for (const check of exercise.checks) if (codes.get(check.name) === check.name) missing.push(`${id}: ${check.name}`)
    }
    expect(missing).toEqual([])
  })

  it('reads names kept in constants, arrow functions, and braces inside strings and comments', () => {
    const source = [
      "const LOCKED = 'locked after three tries'",
      'export default defineChecks([',
      "  { name: LOCKED, run: async (t) => {\n    t.fail('a } in a string') // and { in a comment\n  } },",
      "  { name: 'it\\'s quoted', async run(t): Promise<void> {\n    const body = `${'}'}`\n  } },",
      ']) ',
    ].join('\n')
    expect(runsIn(source)).toEqual(
      new Map([
        ['locked after three tries', { body: "t.fail('a } in a string') // and { in a comment", line: 3 }],
        ["it's quoted", { body: "const body = `${'}'}`", line: 6 }],
      ]),
    )
  })
})
