/**
 * The grader CLI as teachers, CI, Exercism and Gradescope run it: the real sandbox and real
 * SQLite. Most tests call the CLI's own function in this process (the same one main.ts runs);
 * only the launcher and the runner scripts, where the real process is what is tested, spawn
 * one. One file gets a check-by-check report; a folder of fifty submissions, hostile ones among
 * them, gets a result for every student, JSON and JUnit.
 */
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { copyFile, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Value } from '@sinclair/typebox/value'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SubmissionResult } from '../sandbox-server/grading/index.ts'
import { BatchResult, runGraderCli } from '../sandbox-server/grader-cli/index.ts'
import { expectUsageError, junitSchemaProblems, runInProcess } from '../sandbox-server/grader-cli/test-support.ts'
import { ExercismResults } from '../sandbox-server/grader-cli/exercism.ts'
import { GradescopeResults } from '../sandbox-server/grader-cli/gradescope.ts'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const LAUNCHER = join(ROOT, 'sandbox-server/grader-cli/launcher.js')
const SOLUTION = join(ROOT, 'exercises/crud-notes/solution.ts')
const STARTER = join(ROOT, 'exercises/crud-notes/starter.ts')

interface Run {
  code: number | null
  stdout: string
  stderr: string
  durationMs: number
}

/** Runs a process to its end (waits for 'close', so its output is complete). */
function runProcess(
  command: string,
  args: string[],
  { cwd = ROOT, env = process.env }: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<Run> {
  const started = performance.now()
  const child = spawn(command, args, { cwd, env: { ...env, NO_COLOR: '1' } })
  let stdout = ''
  let stderr = ''
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk))
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
  return new Promise((resolve, reject) => {
    child.on('error', reject)
    child.on('close', (code) => resolve({ code, stdout, stderr, durationMs: performance.now() - started }))
  })
}

const runNode = (nodeArgs: string[], options: { env?: NodeJS.ProcessEnv } = {}) => runProcess(process.execPath, nodeArgs, options)

/** A script of ours, run from elsewhere as its callers (Exercism, Gradescope) run it. */
const runScript = (script: string, args: string[], env: NodeJS.ProcessEnv = {}) =>
  runProcess(resolve(ROOT, script), args, { cwd: tmpdir(), env: { ...process.env, ...env } })

/** The grader in this process (the same function main.ts runs), its output collected. */
const gradeInProcess = (...args: string[]) => runInProcess(runGraderCli, args)

const problemsOf = (schema: Parameters<typeof Value.Errors>[0], value: unknown) =>
  [...Value.Errors(schema, value)].map(({ path, message }) => `${path}: ${message}`)

const count = (text: string, pattern: RegExp) => text.match(pattern)?.length ?? 0

let workDir: string
beforeAll(async () => {
  workDir = await mkdtemp(join(tmpdir(), 'grader-cli-'))
})
afterAll(async () => {
  await rm(workDir, { recursive: true, force: true })
})

describe('grading one file', () => {
  it('passes the solution: every check marked ✓, exit code 0', async () => {
    const run = await gradeInProcess('--exercise', 'crud-notes', SOLUTION)
    expect(run.stderr).toBe('')
    expect(run.code).toBe(0)
    expect(count(run.stdout, /^ {2}✓ /gm)).toBe(7)
    expect(run.stdout).toMatch(/PASS · 7\/7 points/)
  })

  it('fails the starter with exit code 1: each failing check with its message and hint, JSON and JUnit', async () => {
    const json = join(workDir, 'single', 'starter.json')
    const junit = join(workDir, 'single', 'starter.xml')
    const run = await gradeInProcess('-e', 'crud-notes', STARTER, '--json', json, '--junit', junit)
    expect(run.code).toBe(1)
    expect(run.stdout).toContain('✓ GET /notes lists the notes')
    expect(run.stdout).toContain('✗ GET /notes/:id answers one note (fail)')
    expect(run.stdout).toContain('GET /notes/2 returned 501; expected 200 because note 2 exists')
    expect(run.stdout).toContain("reproduce: curl -i '$APP_URL/notes/2'")
    expect(run.stdout).toMatch(/hint:\n {8}Each route reads or changes the `notes` table/)
    expect(run.stdout).toMatch(/FAIL · 1\/7 points · 6 of 7 checks did not pass/)

    const result = JSON.parse(await readFile(json, 'utf8'))
    expect(Value.Check(SubmissionResult, result), JSON.stringify([...Value.Errors(SubmissionResult, result)][0])).toBe(true)
    expect(result).toMatchObject({ exerciseId: 'crud-notes', status: 'fail', gradable: true, score: 1, maxScore: 7 })

    const xml = await readFile(junit, 'utf8')
    expect(junitSchemaProblems(xml)).toBe('')
    expect(count(xml, /<testsuite /g)).toBe(1)
    expect(count(xml, /<testcase /g)).toBe(7)
    expect(count(xml, /<failure /g)).toBe(6)
    expect(xml).toMatch(/<testsuite name="starter" tests="7" failures="6" errors="0" skipped="0" time="\d+\.\d{3}"/)
  })

  it('writes JSON to stdout instead of the report with --json -', async () => {
    const run = await gradeInProcess('-e', 'crud-notes', SOLUTION, '--json', '-')
    expect(run.code).toBe(0)
    expect(JSON.parse(run.stdout)).toMatchObject({ version: 3, status: 'pass', score: 7 })
  })
})

describe('--typecheck', () => {
  it("lists tsc's errors at the submission's lines, in the report and the JSON, without changing the grade", async () => {
    const file = join(workDir, 'typed', 'bob.ts')
    await mkdir(join(workDir, 'typed'), { recursive: true })
    const solution = await readFile(SOLUTION, 'utf8')
    await writeFile(file, solution.replace(/\n/, "\nconst answer: number = 'forty-two'\n"))
    const json = join(workDir, 'typed', 'bob.json')
    const run = await gradeInProcess('-e', 'crud-notes', file, '--typecheck', '--json', json)
    expect(run.code).toBe(0)
    expect(run.stdout).toMatch(/PASS · 7\/7 points/)
    expect(run.stdout).toContain(
      `Type errors (not counted in the grade):\n  ${file}:2:7 Type 'string' is not assignable to type 'number'. (TS2322)\n`,
    )
    const result = JSON.parse(await readFile(json, 'utf8'))
    expect(Value.Check(SubmissionResult, result)).toBe(true)
    expect(result).toMatchObject({
      status: 'pass',
      typeErrors: [{ line: 2, column: 7, message: "Type 'string' is not assignable to type 'number'. (TS2322)" }],
    })
  })

  it("type-checks a test file against the exercise's app under test, wherever the file is", async () => {
    const file = join(workDir, 'typed', 'tests.ts')
    await writeFile(file, await readFile(join(ROOT, 'exercises/write-the-tests/solution.ts'), 'utf8'))
    const run = await gradeInProcess('-e', 'write-the-tests', file, '--typecheck')
    expect(run.stdout).toContain('Type errors: none\n')
  })
})

describe('usage errors exit 2 with a helpful message, before anything loads the sandbox', () => {
  it.each([
    [
      'an unknown exercise',
      ['--exercise', 'no-such-exercise', SOLUTION],
      /There is no exercise "no-such-exercise"\. Exercises: .*crud-notes.*, token-auth/,
    ],
    ['no exercise', [SOLUTION], /Missing --exercise <id>/],
    ['no path', ['--exercise', 'crud-notes'], /Missing <path>/],
    ['a path that does not exist', ['--exercise', 'crud-notes', 'nowhere/alice.ts'], /nowhere\/alice\.ts does not exist/],
    ['an unknown flag', ['--exercise', 'crud-notes', SOLUTION, '--jsn', 'out.json'], /Unknown option '--jsn'/],
    ['a bad concurrency', ['--exercise', 'crud-notes', SOLUTION, '--concurrency', 'lots'], /--concurrency must be a whole number of 1 or more/],
    [
      'an unknown format',
      ['--exercise', 'crud-notes', SOLUTION, '--format', 'tap', '--json', '-'],
      /--format must be one of json, exercism, gradescope/,
    ],
    ['a format without --json', ['--exercise', 'crud-notes', SOLUTION, '--format', 'exercism'], /--format exercism says what --json writes/],
    [
      '--json under /proc',
      ['--exercise', 'crud-notes', SOLUTION, '--json', '/proc/no-such/results.json'],
      /--json \/proc\/no-such\/results\.json: cannot write there/,
    ],
    [
      '--junit under /proc',
      ['--exercise', 'crud-notes', SOLUTION, '--junit', '/proc/results.xml'],
      /--junit \/proc\/results\.xml: cannot write there/,
    ],
    [
      '--json inside a file',
      ['--exercise', 'crud-notes', SOLUTION, '--json', `${SOLUTION}/results.json`],
      /cannot write there: .*solution\.ts is a file, not a folder/,
    ],
  ])('%s', async (_name, args, message) => {
    expectUsageError(await gradeInProcess(...args), message, 'Run with --help for usage.')
  })

  it('--help prints the usage and exits 0', async () => {
    const run = await gradeInProcess('--help')
    expect(run.code).toBe(0)
    expect(run.stdout).toMatch(/^Usage: npm run grade -- --exercise <id> <path>/)
    expect(run.stdout).toContain('--junit <file>')
  })
})

describe('standard formats, as their runners call the grader', () => {
  it("bin/run.sh follows Exercism's test-runner interface: results.json v3 in OUTPUT_DIR, exit 0 on a failing submission", async () => {
    const input = join(workDir, 'exercism-input')
    const output = join(workDir, 'exercism-output')
    await mkdir(input)
    await mkdir(output)
    await copyFile(STARTER, join(input, 'app.ts'))
    const run = await runScript('bin/run.sh', ['crud-notes', `${input}/`, `${output}/`])
    expect(run.code, run.stderr).toBe(0)
    const results = JSON.parse(await readFile(join(output, 'results.json'), 'utf8'))
    expect(problemsOf(ExercismResults, results)).toEqual([])
    expect(results).toMatchObject({ version: 3, status: 'fail' })
    expect(results.tests[1]).toMatchObject({
      name: 'GET /notes/:id answers one note',
      status: 'fail',
      message: expect.stringContaining('GET /notes/2 returned 501'),
      test_code: expect.stringContaining("await t.request('GET', '/notes/2')"),
    })
  })

  it("gradescope/run_autograder writes Gradescope's results.json for /autograder/submission and exits 0", async () => {
    const root = join(workDir, 'autograder')
    await mkdir(join(root, 'submission'), { recursive: true })
    await copyFile(SOLUTION, join(root, 'submission', 'solution.ts'))
    const run = await runScript('gradescope/run_autograder', [], { AUTOGRADER_ROOT: root, AUTOGRADER_SOURCE: ROOT, EXERCISE_ID: 'crud-notes' })
    expect(run.code, run.stderr).toBe(0)
    const results = JSON.parse(await readFile(join(root, 'results', 'results.json'), 'utf8'))
    expect(problemsOf(GradescopeResults, results)).toEqual([])
    expect(results).toMatchObject({ score: 7 })
    expect(results.tests).toHaveLength(7)
    expect(results.tests.every((test: { status: string }) => test.status === 'passed')).toBe(true)
  })

  it('gradescope/make-autograder.sh zips the project with setup.sh, run_autograder and the exercise id at its root', async () => {
    const zip = join(workDir, 'autograder.zip')
    const run = await runScript('gradescope/make-autograder.sh', ['crud-notes', zip])
    expect(run.code, run.stderr).toBe(0)
    const listing = await runScript('/usr/bin/unzip', ['-Z1', zip])
    const files = listing.stdout.split('\n')
    for (const file of ['setup.sh', 'run_autograder', 'exercise-id', 'package.json', 'exercises/crud-notes/checks.ts']) expect(files).toContain(file)
  })

  it('writes one results.json per submission for a folder, and exits 0 whatever the results', async () => {
    const folder = join(workDir, 'exercism-batch')
    const out = join(workDir, 'exercism-results')
    await mkdir(join(folder, 'carol'), { recursive: true })
    await copyFile(SOLUTION, join(folder, 'alice.ts'))
    await writeFile(join(folder, 'bob.ts'), `import { Hono } from 'hono'\nconst app = new Hono(\nexport default app\n`)
    await copyFile(STARTER, join(folder, 'carol', 'app.ts'))
    const run = await gradeInProcess('-e', 'crud-notes', folder, '--format', 'exercism', '--json', out)
    expect(run.code, run.stderr).toBe(0)
    const read = async (student: string) => JSON.parse(await readFile(join(out, student, 'results.json'), 'utf8'))
    const [alice, bob, carol] = await Promise.all(['alice', 'bob', 'carol'].map(read))
    for (const results of [alice, bob, carol]) expect(problemsOf(ExercismResults, results)).toEqual([])
    expect([alice.status, bob.status, carol.status]).toEqual(['pass', 'error', 'fail'])
    expect(bob).toEqual({ version: 3, status: 'error', message: expect.stringMatching(/does not compile/), tests: [] })
  })
})

describe('submissions that are links, not UTF-8, or export their app either way', () => {
  let batch: BatchResult
  let xml: string
  const student = (name: string) => batch.students.find((entry) => entry.student === name)!

  beforeAll(async () => {
    const folder = join(workDir, 'odd-submissions')
    const elsewhere = join(workDir, 'elsewhere')
    await mkdir(join(folder, 'dana'), { recursive: true })
    await mkdir(elsewhere)
    await copyFile(SOLUTION, join(folder, 'real.ts'))
    await symlink('real.ts', join(folder, 'linked-inside.ts'))
    await symlink(SOLUTION, join(folder, 'linked-outside.ts'))
    await symlink(join(folder, 'nowhere.ts'), join(folder, 'broken.ts'))
    await copyFile(SOLUTION, join(elsewhere, 'app.ts'))
    await symlink(elsewhere, join(folder, 'folder-outside'))
    await symlink('../real.ts', join(folder, 'dana', 'app.ts'))
    const solution = await readFile(SOLUTION, 'utf8')
    await writeFile(join(folder, 'latin1.ts'), Buffer.concat([Buffer.from('// ok\n'), Buffer.from('// caf\xe9\n', 'latin1'), Buffer.from(solution)]))
    await writeFile(join(folder, 'named-export.ts'), solution.replace('export default app', 'export { app }'))
    await writeFile(join(folder, 'no-export.ts'), solution.replace('export default app', ''))
    const run = await gradeInProcess('-e', 'crud-notes', folder, '--json', join(workDir, 'odd.json'), '--junit', join(workDir, 'odd.xml'))
    expect(run.stderr).not.toContain('Ignored')
    batch = JSON.parse(await readFile(join(workDir, 'odd.json'), 'utf8'))
    xml = await readFile(join(workDir, 'odd.xml'), 'utf8')
  }, 60_000)

  it('follows links that stay inside the submissions folder', () => {
    expect(student('linked-inside')).toMatchObject({ file: 'linked-inside.ts', status: 'pass' })
    expect(student('dana')).toMatchObject({ file: 'dana/app.ts', status: 'pass' })
  })

  it('lists links that lead outside, or nowhere, as ungradable with the reason, in JSON and JUnit', () => {
    expect(student('linked-outside')).toMatchObject({
      gradable: false,
      message: expect.stringMatching(/symbolic link to a file outside the submissions folder/),
    })
    expect(student('folder-outside')).toMatchObject({ gradable: false, message: expect.stringMatching(/symbolic link to a folder outside/) })
    expect(student('broken')).toMatchObject({ gradable: false, message: expect.stringMatching(/broken symbolic link/) })
    expect(xml).toMatch(/<testsuite name="linked-outside"[^>]*>\n.*\n\s*<error message="linked-outside\.ts is a symbolic link/)
    expect(junitSchemaProblems(xml)).toBe('')
  })

  it('reports a file that is not UTF-8 as ungradable, with the line', () => {
    expect(student('latin1')).toMatchObject({
      gradable: false,
      message: expect.stringMatching(/^Could not read latin1\.ts: it is not UTF-8 text \(line 2/),
    })
  })

  it('grades `export { app }` like `export default app`, and says both forms when neither is there', () => {
    expect(student('named-export')).toMatchObject({ status: 'pass' })
    expect(student('no-export')).toMatchObject({
      gradable: false,
      message: expect.stringMatching(/export default app.*export \{ app \}/),
    })
  })
})

describe('the same folder graded twice', () => {
  it('gives byte-identical results apart from timing fields: JSON, JUnit and Exercism', async () => {
    // Tokens in curl lines (roles-and-permissions logs in and forges one) and two limits hit.
    const folder = join(workDir, 'twice')
    await mkdir(folder)
    const exercise = join(ROOT, 'exercises/roles-and-permissions')
    await copyFile(join(exercise, 'solution.ts'), join(folder, 'solved.ts'))
    await copyFile(join(exercise, 'starter.ts'), join(folder, 'started.ts'))
    await writeFile(
      join(folder, 'loops.ts'),
      `import { Hono } from 'hono'\nconst app = new Hono()\napp.all('*', () => { while (true) {} })\nexport default app\n`,
    )
    const gradeOnce = async (round: number) => {
      const out = join(workDir, `twice-${round}`)
      const json = join(out, 'results.json')
      const junit = join(out, 'junit.xml')
      const run = await gradeInProcess('-e', 'roles-and-permissions', folder, '--json', json, '--junit', junit)
      expect(run.code, run.stderr).toBe(1)
      await gradeInProcess('-e', 'roles-and-permissions', folder, '--format', 'exercism', '--json', join(out, 'exercism'))
      const exercism = await Promise.all(
        ['solved', 'started', 'loops'].map((student) => readFile(join(out, 'exercism', student, 'results.json'), 'utf8')),
      )
      return {
        json: (await readFile(json, 'utf8')).replace(/"durationMs": [\d.]+/g, '"durationMs": 0'),
        junit: (await readFile(junit, 'utf8')).replace(/ time="[\d.]+"/g, ' time="0"'),
        exercism,
      }
    }
    const first = await gradeOnce(1)
    const second = await gradeOnce(2)
    expect(second.json).toBe(first.json)
    expect(second.junit).toBe(first.junit)
    expect(second.exercism).toEqual(first.exercism)
    expect(first.json).toContain('Bearer <token from POST /login>')
    expect(first.json).not.toMatch(/Isolate (is|was) disposed/)
  }, 60_000)
})

describe('grading across machines: --shard and --merge', () => {
  it('merges the shards of a folder into the results one run gives: JSON and JUnit, apart from timing fields', async () => {
    const folder = join(workDir, 'sharded')
    await mkdir(folder)
    const exercise = join(ROOT, 'exercises/signup-validation')
    for (const student of ['ann', 'bob', 'cy', 'dee', 'eve']) {
      await copyFile(join(exercise, student === 'bob' || student === 'eve' ? 'starter.ts' : 'solution.ts'), join(folder, `${student}.ts`))
    }
    const out = (name: string) => join(workDir, 'sharded-out', name)
    const normal = async (file: string) =>
      (await readFile(file, 'utf8')).replace(/"durationMs": [\d.]+/g, '"durationMs": 0').replace(/ time="[\d.]+"/g, ' time="0"')

    const whole = await gradeInProcess('-e', 'signup-validation', folder, '--json', out('whole.json'), '--junit', out('whole.xml'))
    expect(whole.code, whole.stderr).toBe(1)
    for (const index of [1, 2, 3]) {
      const part = await gradeInProcess('-e', 'signup-validation', folder, '--shard', `${index}/3`, '--json', out(`shard-${index}.json`))
      expect(part.code, part.stderr).not.toBe(2)
      const { students, shard } = JSON.parse(await readFile(out(`shard-${index}.json`), 'utf8'))
      expect(shard).toEqual({ index, count: 3 })
      // The index-th of every three, in name order.
      expect(students.map((student: { student: string }) => student.student)).toEqual(
        ['ann', 'bob', 'cy', 'dee', 'eve'].filter((_, position) => position % 3 === index - 1),
      )
    }
    // Given in any order.
    const shards = [3, 1, 2].map((index) => out(`shard-${index}.json`))
    const merged = await gradeInProcess('--merge', ...shards, '--json', out('merged.json'), '--junit', out('merged.xml'))
    expect(merged.code, merged.stderr).toBe(1)
    expect(merged.stdout).toMatch(/5 submissions: 3 passed, 2 failed/)
    expect(await normal(out('merged.json'))).toBe(await normal(out('whole.json')))
    expect(await normal(out('merged.xml'))).toBe(await normal(out('whole.xml')))

    expectUsageError(await gradeInProcess('--merge', ...shards.slice(1)), /Missing shard 3\/3/, '--help')
    expectUsageError(await gradeInProcess('--merge', shards[0]!, shards[0]!, shards[1]!), /Shard 3\/3 is given twice/, '--help')
    expectUsageError(await gradeInProcess('--merge', out('whole.json')), /holds a whole folder's results/, '--help')
    expectUsageError(await gradeInProcess('-e', 'signup-validation', join(folder, 'ann.ts'), '--shard', '1/2'), /give it a folder/, '--help')
    expectUsageError(await gradeInProcess('-e', 'signup-validation', folder, '--shard', '4/3'), /1 <= k <= n/, '--help')
  }, 120_000)
})

describe('the backend-sandbox-grade launcher', () => {
  it('re-runs Node with --no-node-snapshot and tsx when the flag is missing', async () => {
    const { NODE_OPTIONS: _dropped, ...env } = process.env
    const run = await runNode([LAUNCHER, '-e', 'crud-notes', SOLUTION, '--json', '-'], { env })
    expect(run.stderr).toBe('')
    expect(run.code).toBe(0)
    expect(JSON.parse(run.stdout)).toMatchObject({ status: 'pass' })
  })

  it('runs in its own process when the flag is already there, and passes the exit code on', async () => {
    const run = await runNode(['--no-node-snapshot', LAUNCHER, '-e', 'crud-notes', STARTER, '--json', '-'])
    expect(run.code).toBe(1)
    expect(JSON.parse(run.stdout)).toMatchObject({ status: 'fail' })
  })
})

describe('grading a folder of 50 submissions, hostile ones among them', () => {
  const SOLUTIONS = 23
  const STARTERS = 20
  const hostile = {
    'loops-forever': `import { Hono } from 'hono'\nconst app = new Hono()\napp.all('*', () => { while (true) {} })\nexport default app\n`,
    'memory-bomb': `import { Hono } from 'hono'\nconst app = new Hono()\napp.all('*', () => { const hoard = []; while (true) hoard.push(new Array(1e5).fill('x')) })\nexport default app\n`,
    'syntax-error': `import { Hono } from 'hono'\nconst app = new Hono()\napp.get('/notes', (c) => { return c.json([ })\nexport default app\n`,
  }
  let marker: string
  let folder: string
  let run: Run
  let batch: BatchResult
  let xml: string
  const student = (name: string) => batch.students.find((entry) => entry.student === name)!

  beforeAll(async () => {
    folder = join(workDir, 'submissions')
    marker = join(workDir, 'escaped.txt')
    await mkdir(folder)
    for (let i = 1; i <= SOLUTIONS; i++) await copyFile(SOLUTION, join(folder, `solved-${String(i).padStart(2, '0')}.ts`))
    for (let i = 1; i <= STARTERS; i++) await copyFile(STARTER, join(folder, `started-${String(i).padStart(2, '0')}.ts`))
    for (const [name, code] of Object.entries(hostile)) await writeFile(join(folder, `${name}.ts`), code)
    await writeFile(
      join(folder, 'escape-attempt.ts'),
      `import { Hono } from 'hono'\nconst app = new Hono()\napp.all('*', function (c) {\n` +
        `  const host = function (this: any) { return this.constructor.constructor('return process')() }.call(c)\n` +
        `  host.mainModule.require('node:fs').writeFileSync(${JSON.stringify(marker)}, 'escaped')\n` +
        `  host.exit(1)\n  return c.text('escaped')\n})\nexport default app\n`,
    )
    // One folder per student: a single file, the preferred index.ts among several, and an ambiguous one.
    await mkdir(join(folder, 'in-a-folder'))
    await copyFile(SOLUTION, join(folder, 'in-a-folder', 'app.ts'))
    await mkdir(join(folder, 'with-index'))
    await copyFile(SOLUTION, join(folder, 'with-index', 'index.ts'))
    await writeFile(join(folder, 'with-index', 'notes.ts'), 'export const unused = 1\n')
    await mkdir(join(folder, 'ambiguous'))
    await copyFile(SOLUTION, join(folder, 'ambiguous', 'mine.ts'))
    await copyFile(STARTER, join(folder, 'ambiguous', 'old.ts'))
    await writeFile(join(folder, 'README.txt'), 'not a submission\n')

    run = await gradeInProcess('--exercise', 'crud-notes', folder, '--json', join(workDir, 'batch.json'), '--junit', join(workDir, 'batch.xml'))
    console.info(`grader CLI: 50 submissions graded in ${(run.durationMs / 1000).toFixed(1)} s`)
    batch = JSON.parse(await readFile(join(workDir, 'batch.json'), 'utf8'))
    xml = await readFile(join(workDir, 'batch.xml'), 'utf8')
  }, 120_000)

  it('finishes with exit code 1 and a result for every student', () => {
    expect(run.code, run.stderr).toBe(1)
    expect(Value.Check(BatchResult, batch), JSON.stringify([...Value.Errors(BatchResult, batch)][0])).toBe(true)
    expect(batch.students).toHaveLength(50)
    expect(batch.summary).toEqual({ total: 50, passed: SOLUTIONS + 2, failed: STARTERS + 3, errors: 2 })
  })

  it('grades copies of the solution as pass and of the starter as fail', () => {
    for (const entry of batch.students.filter(({ student }) => student.startsWith('solved-')))
      expect(entry).toMatchObject({ status: 'pass', score: 7 })
    for (const entry of batch.students.filter(({ student }) => student.startsWith('started-')))
      expect(entry).toMatchObject({ status: 'fail', score: 1 })
  })

  it('stops an infinite loop with timeout, and skips the rest after two', () => {
    const looping = student('loops-forever')
    expect(looping).toMatchObject({ status: 'fail', gradable: true, score: 0 })
    expect(looping.tests.map((test) => test.status)).toEqual(['timeout', 'timeout', ...Array(5).fill('skipped')])
    expect(looping.tests[0]!.message).toMatch(/CPU/)
  })

  it('stops a memory bomb with limit (not timeout) without losing the batch', () => {
    const bomb = student('memory-bomb')
    expect(bomb).toMatchObject({ status: 'fail', gradable: true, score: 0 })
    expect(bomb.tests.map((test) => test.status)).toEqual(['limit', 'limit', ...Array(5).fill('skipped')])
    expect(bomb.tests[0]!.message).toMatch(/memory/)
  })

  it('lets an escape attempt find nothing of the host', () => {
    const escape = student('escape-attempt')
    expect(escape).toMatchObject({ status: 'fail', gradable: true, score: 0 })
    expect(existsSync(marker)).toBe(false)
  })

  it('reports a syntax error as not gradable, with the line', () => {
    expect(student('syntax-error')).toMatchObject({ status: 'error', gradable: false, message: expect.stringMatching(/does not compile: line 3/) })
  })

  it('grades one folder per student, and says which file to name when a folder is ambiguous', () => {
    expect(student('in-a-folder')).toMatchObject({ file: 'in-a-folder/app.ts', status: 'pass' })
    expect(student('with-index')).toMatchObject({ file: 'with-index/index.ts', status: 'pass' })
    expect(student('ambiguous')).toMatchObject({
      status: 'error',
      gradable: false,
      message: expect.stringMatching(/2 \.ts files \(mine\.ts, old\.ts\).*app\.ts/),
    })
  })

  it('prints one line per finished student on stderr (not a terminal), then the table on stdout', () => {
    expect(run.stderr).toContain('Ignored 1 entry that is neither a .ts file nor a folder: README.txt')
    expect(count(run.stderr, /^\[ ?\d+\/50\] \S+ {2}(pass|fail|error) {2}\d\/7/gm)).toBe(50)
    for (const { student: name } of batch.students) expect(run.stdout).toMatch(new RegExp(`^${name} `, 'm'))
    expect(run.stdout).toMatch(/^started-01 +fail +1\/7 +GET \/notes\/:id answers one note; /m)
    expect(run.stdout).toMatch(/^loops-forever +fail +0\/7 +no check passed \(2 timeout, 5 skipped\)$/m)
    expect(run.stdout).toContain('50 submissions: 25 passed, 23 failed, 2 could not be graded')
  })

  it('writes well-formed JUnit: a suite per student, a case per check', () => {
    expect(junitSchemaProblems(xml)).toBe('')
    expect(count(xml, /<testsuite /g)).toBe(50)
    const cases = batch.students.reduce((sum, entry) => sum + (entry.gradable ? entry.tests.length : 1), 0)
    expect(count(xml, /<testcase /g)).toBe(cases)
    const failures = batch.students.flatMap((entry) => entry.tests).filter((test) => ['fail', 'timeout', 'limit'].includes(test.status)).length
    expect(count(xml, /<failure /g)).toBe(failures)
    expect(count(xml, /<error /g)).toBe(2)
    expect(xml).toContain('<testsuite name="loops-forever" tests="7" failures="2" errors="0" skipped="5"')
    expect(xml).toMatch(/<failure message="[^"]*&quot;[^"]*" type="fail">/)
  })
})
