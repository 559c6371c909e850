import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { expectUsageError, runInProcess } from '../grader-cli/test-support.ts'
import { runLessonsCheck } from './check-cli.ts'

/** lessons:check in this process (the function the script runs), its output collected. */
const lessonsCheck = (...args: string[]) => runInProcess(runLessonsCheck, args)

describe('lessons:check on the command line', () => {
  it('--help prints the usage and exits 0', async () => {
    const run = await lessonsCheck('--help')
    expect(run).toMatchObject({ code: 0, stderr: '' })
    expect(run.stdout).toMatch(/^Usage: npm run lessons:check \[-- <exercise-id>\.\.\. \[--root <dir>\] \[--watch\] \[--mutants\]\]/)
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

  it('--watch checks again what changed when a file is saved, until stopped', async () => {
    const course = await mkdtemp(join(tmpdir(), 'lessons-watch-'))
    try {
      const dir = join(course, 'exercises', 'ping')
      await mkdir(dir, { recursive: true })
      await mkdir(join(course, 'lessons'))
      const app = (answer: string) =>
        `import { Hono } from 'hono'\nconst app = new Hono()\napp.get('/ping', (c) => c.json(${answer}))\nexport default app\n`
      await writeFile(join(dir, 'starter.ts'), app('{ pong: false }'))
      await writeFile(join(dir, 'solution.ts'), app('{ pong: true }'))
      await writeFile(
        join(dir, 'checks.ts'),
        `export default [{ name: 'GET /ping answers pong', async run(t) { t.expect((await t.request('GET', '/ping')).json).toEqual({ pong: true }) } }]\n`,
      )
      await writeFile(join(dir, 'hints.md'), '## A nudge\n\nAnswer pong.\n\n## The idea\n\nc.json.\n')

      const stdout = watchedStream()
      const controller = new AbortController()
      const exited = runLessonsCheck(['--watch', '--root', course], { stdout: stdout.stream, stderr: watchedStream().stream }, controller.signal)
      await stdout.waitFor('lessons:check: 1 warning (0 roles, 0 lessons, 1 exercise)')
      await stdout.waitFor('Watching ')
      await writeFile(join(dir, 'starter.ts'), app('{ pong: false }').replace('const app', "const n: number = 'x'\nconst app"))
      await stdout.waitFor('exercises/ping/starter.ts changed: checking ping')
      await stdout.waitFor("exercises/ping/starter.ts:2: types: Type 'string' is not assignable to type 'number'. (TS2322)")
      await stdout.waitFor('✖ lessons:check: 1 error, 1 warning (1 exercise)')
      controller.abort()
      expect(await exited).toBe(0)
    } finally {
      await rm(course, { recursive: true, force: true })
    }
  })
})

/** A non-terminal stream that collects text and tells when some has arrived. */
function watchedStream() {
  let text = ''
  const waiting = new Set<() => void>()
  const stream = {
    isTTY: false,
    write(chunk: string) {
      text += chunk
      for (const check of waiting) check()
      return true
    },
  } as unknown as NodeJS.WriteStream
  return {
    stream,
    waitFor: (part: string) =>
      new Promise<void>((resolve) => {
        const check = () => {
          if (!text.includes(part)) return
          waiting.delete(check)
          resolve()
        }
        waiting.add(check)
        check()
      }),
  }
}
