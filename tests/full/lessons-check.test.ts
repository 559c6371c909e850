/**
 * `npm run lessons:check` as instructors run it, in its own process: it reads the whole course
 * and grades every exercise. `npm test` grades each exercise once already (exercises.test.ts),
 * so this second grading runs in the full tier (`npm run test:full`, what CI runs).
 */
import { spawn } from 'node:child_process'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { expect, it } from 'vitest'
import { readCourse } from '../../sandbox-server/content/index.ts'
import { listExercises } from '../../sandbox-server/exercises/index.ts'

const root = fileURLToPath(new URL('../..', import.meta.url))

/** `npm run lessons:check` with `args`; resolves with its exit code and output. */
function lessonsCheck(...args: string[]) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn('npm', ['run', '--silent', 'lessons:check', ...(args.length ? ['--', ...args] : [])], { cwd: root })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk))
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk))
    child.on('error', reject)
    child.on('close', (code) => resolve({ code, stdout, stderr }))
  })
}

it('passes the real course: every exercise graded, no problems, exit code 0', async () => {
  const { found } = await readCourse()
  const exercises = (await listExercises()).length
  const { code, stdout, stderr } = await lessonsCheck()
  expect({ code, stdout, stderr }).toEqual({
    code: 0,
    stdout: `✔ lessons:check: no problems (${found.roles} roles, ${found.lessons} lessons, ${exercises} exercises)\n`,
    stderr: '',
  })
})

it('fails a course with a broken exercise: each problem at its file, exit code 1', async () => {
  const course = await mkdtemp(join(tmpdir(), 'lessons-check-'))
  try {
    await mkdir(join(course, 'lessons'))
    await mkdir(join(course, 'exercises/half-done'), { recursive: true })
    await writeFile(join(course, 'exercises/half-done/starter.ts'), 'export default 1\n')
    const { code, stdout } = await lessonsCheck('--root', course)
    expect(code).toBe(1)
    expect(stdout).toContain('exercises/half-done/solution.ts: file is missing: a solution that passes every check')
    expect(stdout).toMatch(/✖ lessons:check: 3 errors, 1 warning \(0 roles, 0 lessons, 1 exercise\)\n$/)
  } finally {
    await rm(course, { recursive: true, force: true })
  }
})

it('--mutants: every mutant in the course fails a check, and every check fails on a mutant, exit code 0', async () => {
  const { code, stdout } = await lessonsCheck('--mutants')
  expect(stdout.split('\n').filter((line) => /^exercises\/[^/]+\/mutants\//.test(line))).toEqual([])
  // lessons:check only warns of a check that no mutant fails (an author may be adding them);
  // the course itself has none.
  expect(stdout.split('\n').filter((line) => line.includes('warning'))).toEqual([])
  expect(stdout).toMatch(/✔ lessons:check: no problems \(/)
  expect(code).toBe(0)
})
