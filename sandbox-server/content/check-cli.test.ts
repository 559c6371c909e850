import { describe, expect, it } from 'vitest'
import { expectUsageError, runInProcess } from '../grader-cli/test-support.ts'
import { runLessonsCheck } from './check-cli.ts'

/** lessons:check in this process (the function the script runs), its output collected. */
const lessonsCheck = (...args: string[]) => runInProcess(runLessonsCheck, args)

describe('lessons:check on the command line', () => {
  it('--help prints the usage and exits 0', async () => {
    const run = await lessonsCheck('--help')
    expect(run).toMatchObject({ code: 0, stderr: '' })
    expect(run.stdout).toMatch(/^Usage: npm run lessons:check \[-- <exercise-id>\.\.\. \[--root <dir>\]\]/)
  })

  it.each([
    ['an unknown option', ['--rot', 'x'], "error: Unknown option '--rot'."],
    ['an exercise that does not exist', ['crud-notes', 'no-such-exercise'], 'error: No exercise "no-such-exercise" in '],
    ['an empty --root', ['--root', ''], 'error: --root needs a folder'],
  ])('exits 2 with a message for %s', async (_name, args, message) => {
    expectUsageError(await lessonsCheck(...args), message, 'Run npm run lessons:check -- --help for usage.')
  })

  it('checks only the exercises named: grades crud-notes and nothing else', async () => {
    const run = await lessonsCheck('crud-notes')
    expect(run).toMatchObject({ code: 0, stdout: '✔ lessons:check: no problems (1 exercise)\n', stderr: '' })
  })
})
