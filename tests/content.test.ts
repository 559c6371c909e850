/**
 * Course content as instructors write it: the real course validates clean, every kind of
 * mistake is reported at its file and line with pinned wording (like Starlight pins its error
 * map), and what `lessons:new` writes passes the validator as it stands. The courses built
 * here are graded for real: real isolates, real SQLite, the same gradeSubmission learners meet
 * (the real exercises are graded in exercises.test.ts).
 */
import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { fileURLToPath } from 'node:url'
import { dirname, join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { createDbPool } from '../sandbox-server/capabilities/db/index.ts'
import { createSessionStore } from '../sandbox-server/sessions/index.ts'
import {
  InvalidCourse,
  formatProblem,
  formatReport,
  loadCourse,
  parseFrontmatter,
  readCourse,
  LessonFrontmatter,
} from '../sandbox-server/content/index.ts'
import { checkCourse } from '../sandbox-server/content/check-course.ts'
import { findSeedProblem } from '../sandbox-server/content/seed-sql.ts'
import { listExercises } from '../sandbox-server/exercises/index.ts'
import { ScaffoldRefused, scaffoldLesson } from '../sandbox-server/content/scaffold.ts'

const db = createDbPool()
const sessions = await createSessionStore({ db })
const tempRoots: string[] = []
afterAll(async () => {
  await sessions.dispose()
  await db.dispose()
  await Promise.all(tempRoots.map((root) => rm(root, { recursive: true, force: true })))
})

/** A fresh course folder holding `files` (path → text). */
async function createCourse(files: Record<string, string>): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'course-'))
  tempRoots.push(root)
  await mkdir(join(root, 'lessons'))
  await mkdir(join(root, 'exercises'))
  for (const [path, text] of Object.entries(files)) {
    await mkdir(dirname(join(root, path)), { recursive: true })
    await writeFile(join(root, path), text)
  }
  return root
}

const lines = (...text: string[]) => `${text.join('\n')}\n`

const role = (title: string, order: number) =>
  lines('---', `title: ${title}`, 'summary: What this role does.', `order: ${order}`, '---', '', 'An introduction.')

const lesson = (fields: Record<string, string>) =>
  lines(
    '---',
    ...Object.entries({
      title: 'A lesson',
      role: 'invisible-logic-builder',
      summary: 'One sentence.',
      objectives: '\n  - Do one thing',
      minutes: '10',
      ...fields,
    }).map(([key, value]) => `${key}: ${value}`.replace(': \n', ':\n')),
    '---',
    '',
    'The text of the lesson.',
  )

/** A one-route exercise: GET /ping answers { pong: true }. */
const PING = {
  starter: lines(
    "import { Hono } from 'hono'",
    'const app = new Hono()',
    "app.get('/ping', (c) => c.json({ error: 'not implemented yet' }, 501))",
    'export default app',
  ),
  solution: lines("import { Hono } from 'hono'", 'const app = new Hono()', "app.get('/ping', (c) => c.json({ pong: true }))", 'export default app'),
  checks: lines(
    'export default [',
    '  {',
    "    name: 'GET /ping answers pong',",
    '    async run(t) {',
    "      const response = await t.request('GET', '/ping')",
    "      t.expectStatus(response, 200, 'ping always works')",
    "      t.expect(response.json, 'the body should be { pong: true }').toEqual({ pong: true })",
    '    },',
    '  },',
    ']',
  ),
  hints: lines('## A nudge', 'Answer JSON.', '', '## The idea', 'Use c.json.'),
}

/** The ping exercise under `exercises/<id>/`, with some files changed (null leaves one out). */
function pingExercise(id: string, change: Partial<Record<'starter.ts' | 'solution.ts' | 'checks.ts' | 'hints.md' | 'seed.sql', string | null>> = {}) {
  const files = { 'starter.ts': PING.starter, 'solution.ts': PING.solution, 'checks.ts': PING.checks, 'hints.md': PING.hints, ...change }
  return Object.fromEntries(Object.entries(files).flatMap(([file, text]) => (text === null ? [] : [[`exercises/${id}/${file}`, text]])))
}

describe('the real course', () => {
  // Each exercise is graded once per run, in its own test: tests/exercises.test.ts.
  it('validates clean: every role and lesson, and every exercise opened by a lesson', async () => {
    const { problems, referencedExercises } = await readCourse()
    expect(problems.map(formatProblem)).toEqual([])
    expect((await listExercises()).filter((id) => !referencedExercises.has(id))).toEqual([])
  })

  it('loads as a typed tree, roles and lessons in folder order', async () => {
    const course = await loadCourse()
    const folders = course.roles.map((role) => role.folder)
    expect(folders).toEqual([...folders].sort())
    expect(folders).toEqual(expect.arrayContaining(['03-database-whisperer', '05-guardian-of-security']))
    const whisperer = course.roles.find((role) => role.slug === 'database-whisperer')
    expect(whisperer).toMatchObject({
      slug: 'database-whisperer',
      number: 3,
      path: 'lessons/03-database-whisperer/role.md',
      frontmatter: { order: 3 },
    })
    expect(whisperer!.lessons[0]).toMatchObject({
      slug: 'rows-in-rows-out',
      path: 'lessons/03-database-whisperer/01-rows-in-rows-out/lesson.md',
      frontmatter: { role: 'database-whisperer', exercise: 'crud-notes', order: 1 },
    })
    expect(whisperer!.lessons[0]!.body).toMatch(/^## The situation/)
  })
})

describe('frontmatter', () => {
  it('points at the line of the offending key, in file lines', () => {
    const source = lesson({ minutes: 'ten', objectives: '\n  - Do one thing\n  - 42', order: '1' })
    expect(parseFrontmatter(source, LessonFrontmatter).problems).toEqual([
      { line: 7, field: 'objectives.1', message: 'Expected string' },
      { line: 8, field: 'minutes', message: 'Expected integer (estimated minutes to read and do it)' },
    ])
  })

  it('names a missing field at the opening line and an unknown one at its own line', () => {
    const source = lines(
      '---',
      'title: A lesson',
      'role: invisible-logic-builder',
      'summary: One sentence.',
      'objectives: [Do one thing]',
      'minutes: 5',
      'level: easy',
      '---',
    )
    expect(parseFrontmatter(source, LessonFrontmatter).problems).toEqual([
      { line: 1, field: 'order', message: 'Expected required property (position within the role)' },
      { line: 7, field: 'level', message: 'Unexpected property' },
    ])
  })

  it('says what a file without frontmatter or with an empty block needs', () => {
    expect(parseFrontmatter('# Just a heading\n', LessonFrontmatter).problems).toEqual([
      { line: 1, field: 'frontmatter', message: 'the file must start with a "---" line, then the YAML fields, then another "---" line' },
    ])
    expect(parseFrontmatter('---\ntitle: x\n', LessonFrontmatter).problems).toEqual([
      { line: 1, field: 'frontmatter', message: 'no closing "---" line after the YAML fields' },
    ])
    expect(parseFrontmatter('---\n---\nText\n', LessonFrontmatter).problems).toEqual([
      { line: 1, field: 'frontmatter', message: 'is empty; expected the fields title, role, summary, objectives, minutes and order' },
    ])
  })

  it('gives the body and the line it starts on', () => {
    const parsed = parseFrontmatter(lesson({ order: '1' }), LessonFrontmatter)
    expect(parsed).toMatchObject({ body: '\nThe text of the lesson.\n', bodyLine: 10, keyLines: { title: 2, order: 8 } })
    expect(parsed.data?.objectives).toEqual(['Do one thing'])
  })
})

describe('a course with planted mistakes', async () => {
  const root = await createCourse({
    'lessons/02-invisible-logic-builder/role.md': role('Invisible logic builder', 2),
    // Invalid, but it still names bad-seed: no "no lesson opens" warning for that one.
    'lessons/02-invisible-logic-builder/01-bad-type/lesson.md': lesson({ minutes: 'ten', exercise: 'bad-seed', order: '1' }),
    'lessons/02-invisible-logic-builder/02-unknown-exercise/lesson.md': lesson({ exercise: 'no-such-exercise', order: '2' }),
    'lessons/02-invisible-logic-builder/03-broken-yaml/lesson.md': lesson({ title: 'Broken: yes: really', order: '3' }),
    'lessons/02-invisible-logic-builder/04-wrong-role/lesson.md': lesson({ role: 'database-whisperer', order: '5' }),
    'lessons/02-invisible-logic-builder/05-passing-starter/lesson.md': lesson({ exercise: 'passing-starter', order: '5' }),
    'lessons/02-invisible-logic-builder/06-failing-solution/lesson.md': lesson({ exercise: 'failing-solution', order: '6' }),
    'lessons/04-api engineer/role.md': role('API engineer', 4),
    'lessons/06-performance-tuner/01-no-lesson-file/notes.txt': 'not a lesson',
    ...pingExercise('passing-starter', { 'starter.ts': PING.solution }),
    ...pingExercise('failing-solution', { 'solution.ts': PING.starter.replace('501', '418') }),
    ...pingExercise('bad-seed', {
      'seed.sql': lines(
        'CREATE TABLE items (',
        '  id INTEGER PRIMARY KEY,',
        '  name TEXT NOT NULL',
        ');',
        "INSERT INTO itemz (name) VALUES ('first');",
      ),
    }),
    ...pingExercise('bad-hints', {
      'hints.md': lines('## The only hint', 'Answer JSON.', '', '## check: GET /ping answers pang', 'A typo in the name.'),
      'checks.ts': PING.checks.replace(
        "name: 'GET /ping answers pong',",
        "name: 'GET /ping answers pong',\n    hint: 2,\n    requires: ['a check that is not there'],",
      ),
    }),
    ...pingExercise('bad-checks', { 'checks.ts': lines('export default [{ title: "GET /ping answers pong", run() {} }]') }),
    ...pingExercise('broken-checks', { 'checks.ts': lines('export default [', "  { name: 'GET /ping', run(t) { t.request( } },", ']') }),
    ...pingExercise('no-solution', { 'solution.ts': null }),
    ...pingExercise('bad-types', { 'starter.ts': PING.starter.replace('const app = new Hono()', "const app = new Hono()\nconst n: number = 'x'") }),
    // Prettier settings for this exercise only: the others are not format-checked.
    'exercises/bad-format/.prettierrc.json': '{ "semi": false, "singleQuote": true, "printWidth": 150 }',
    ...pingExercise('bad-format', { 'solution.ts': PING.solution.replace('const app = new Hono()', 'const app = new Hono();') }),
  })
  const problems = await checkCourse({ rootDir: root, sessions })

  it('reports each mistake at its file and line, in reading order, with pinned wording', () => {
    expect(problems.map(formatProblem)).toEqual([
      'lessons/02-invisible-logic-builder/01-bad-type/lesson.md:7: minutes: Expected integer (estimated minutes to read and do it)',
      'lessons/02-invisible-logic-builder/02-unknown-exercise/lesson.md:8: exercise: there is no exercise "no-such-exercise" (no folder exercises/no-such-exercise/; found: bad-checks, bad-format, bad-hints, bad-seed, bad-types, broken-checks, failing-solution, no-solution, passing-starter)',
      'lessons/02-invisible-logic-builder/03-broken-yaml/lesson.md:2: frontmatter: YAML syntax error: Nested mappings are not allowed in compact mappings; put the value in quotes when it contains ": "',
      'lessons/02-invisible-logic-builder/04-wrong-role/lesson.md:3: role: is "database-whisperer" but the lesson is in the folder 02-invisible-logic-builder; write "invisible-logic-builder"',
      'lessons/02-invisible-logic-builder/04-wrong-role/lesson.md:8: order: is 5 but the folder is numbered 04; make them agree (rename the folder or change order)',
      'lessons/04-api engineer: folder name: expected two digits, a dash and a slug of lowercase words, e.g. "03-database-whisperer"',
      'lessons/06-performance-tuner/role.md: file is missing: every role folder needs a role.md with title, summary and order',
      'lessons/06-performance-tuner/01-no-lesson-file/lesson.md: file is missing: every lesson folder needs a lesson.md (npm run lessons:new makes one)',
      'exercises/bad-checks/checks.ts: checks[0].name: Expected required property (the title learners see)',
      'exercises/bad-checks/checks.ts: checks[0].title: Unexpected property',
      'exercises/bad-checks: warning: no lesson opens this exercise (add "exercise: bad-checks" to a lesson\'s frontmatter)',
      'exercises/bad-format/solution.ts:2: format: is not formatted as Prettier would format it: run npx prettier --write on it',
      'exercises/bad-format: warning: no lesson opens this exercise (add "exercise: bad-format" to a lesson\'s frontmatter)',
      'exercises/bad-hints/hints.md:1: hints: has 1 "## " section; write 2 or 3: a nudge, the idea, nearly the answer',
      'exercises/bad-hints/hints.md:4: hints: "## check: GET /ping answers pang" names no check; the checks are: "GET /ping answers pong"',
      'exercises/bad-hints/checks.ts:3: checks[0].hint: is 2 but hints.md has 1 hint (0 is the first)',
      'exercises/bad-hints/checks.ts:3: checks[0].requires: "a check that is not there" is not the name of an earlier check; a check can only wait for checks before it',
      'exercises/bad-hints: warning: no lesson opens this exercise (add "exercise: bad-hints" to a lesson\'s frontmatter)',
      'exercises/bad-seed/seed.sql:5: sql: no such table: itemz (SQLITE_ERROR)',
      "exercises/bad-types/starter.ts:3: types: Type 'string' is not assignable to type 'number'. (TS2322)",
      'exercises/bad-types: warning: no lesson opens this exercise (add "exercise: bad-types" to a lesson\'s frontmatter)',
      'exercises/broken-checks/checks.ts:2: could not be loaded: Unexpected token',
      'exercises/broken-checks: warning: no lesson opens this exercise (add "exercise: broken-checks" to a lesson\'s frontmatter)',
      'exercises/failing-solution/solution.ts: check "GET /ping answers pong": fail: GET /ping returned 418; expected 200 because ping always works',
      'exercises/no-solution/solution.ts: file is missing: a solution that passes every check',
      'exercises/no-solution: warning: no lesson opens this exercise (add "exercise: no-solution" to a lesson\'s frontmatter)',
      'exercises/passing-starter/starter.ts: passes every check; a starter must fail at least one so the learner has something to do',
    ])
  })

  it('prints them grouped by folder, one line each', () => {
    const report = formatReport(problems.filter((problem) => problem.file.startsWith('exercises/bad-hints') || problem.file.includes('01-bad-type')))
    expect(report).toBe(
      [
        'lessons/02-invisible-logic-builder (1 error)',
        'lessons/02-invisible-logic-builder/01-bad-type/lesson.md:7: minutes: Expected integer (estimated minutes to read and do it)',
        '',
        'exercises/bad-hints (4 errors, 1 warning)',
        'exercises/bad-hints/hints.md:1: hints: has 1 "## " section; write 2 or 3: a nudge, the idea, nearly the answer',
        'exercises/bad-hints/hints.md:4: hints: "## check: GET /ping answers pang" names no check; the checks are: "GET /ping answers pong"',
        'exercises/bad-hints/checks.ts:3: checks[0].hint: is 2 but hints.md has 1 hint (0 is the first)',
        'exercises/bad-hints/checks.ts:3: checks[0].requires: "a check that is not there" is not the name of an earlier check; a check can only wait for checks before it',
        'exercises/bad-hints: warning: no lesson opens this exercise (add "exercise: bad-hints" to a lesson\'s frontmatter)',
      ].join('\n'),
    )
  })

  it('makes loadCourse refuse the course, listing the errors', async () => {
    const error = await loadCourse({ rootDir: root }).catch((error: unknown) => error)
    expect(error).toBeInstanceOf(InvalidCourse)
    expect((error as InvalidCourse).problems).toHaveLength(8)
    expect((error as InvalidCourse).message).toMatch(
      /^The course has 8 problems \(run npm run lessons:check\):\nlessons\/02-invisible-logic-builder\/01-bad-type\/lesson\.md:7: minutes:/,
    )
  })

  it('still reads the parts that are fine', async () => {
    const { course } = await readCourse({ rootDir: root })
    expect(course.roles.map((role) => role.folder)).toEqual(['02-invisible-logic-builder'])
    expect(course.roles[0]!.lessons.map((lesson) => lesson.folder)).toEqual([
      '02-unknown-exercise',
      '04-wrong-role',
      '05-passing-starter',
      '06-failing-solution',
    ])
  })
})

describe('lines that point at the mistake', async () => {
  const root = await createCourse({
    'lessons/02-invisible-logic-builder/role.md': role('Invisible logic builder', 2),
    'lessons/02-invisible-logic-builder/01-open-quote/lesson.md': lesson({ summary: '"One sentence.', order: '1' }),
    ...pingExercise('duplicate-name', { 'checks.ts': PING.checks.replace(/\]\n$/, PING.checks.slice('export default [\n'.length)) }),
    ...pingExercise('starter-syntax', { 'starter.ts': PING.starter.replace('501))', '501)\n') }),
    ...pingExercise('seed-column', {
      'seed.sql': lines(
        'CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT);',
        '',
        '-- the first item',
        'INSERT INTO items',
        '  (id, nme)',
        "  VALUES (1, 'a');",
      ),
    }),
    ...pingExercise('starter-throws', { 'starter.ts': PING.starter.replace('const app', "const settings = JSON.parse('{')\nconst app") }),
  })
  const problems = (await checkCourse({ rootDir: root, sessions })).filter((problem) => problem.severity === 'error').map(formatProblem)

  it('an unclosed quote in frontmatter: the line where the quote opens', () => {
    expect(problems).toContain('lessons/02-invisible-logic-builder/01-open-quote/lesson.md:4: frontmatter: YAML syntax error: Missing closing "quote')
  })

  it('a duplicate check name: the second check, the one to rename', () => {
    expect(problems).toContain(
      'exercises/duplicate-name/checks.ts:11: checks[1].name: "GET /ping answers pong" is also the name of checks[0]; names must be unique (results and requires use them)',
    )
  })

  it('a starter syntax error: the line of the bracket never closed, with where the parser stopped', () => {
    expect(problems).toContain(
      'exercises/starter-syntax/starter.ts:3: cannot be graded: Your code does not compile: line 5, column 1: Expected ")" but found "export" (the bracket opened on line 3 is probably never closed); a starter must compile and load so learners can try it',
    )
  })

  it('a missing column in seed.sql: the first line of the statement', () => {
    expect(problems).toContain('exercises/seed-column/seed.sql:4: sql: table items has no column named nme (SQLITE_ERROR)')
  })

  it('a starter that throws while loading: the line that threw', () => {
    // V8 words JSON errors its own way from version to version (Node 24's adds the line and column).
    expect(problems).toContainEqual(
      expect.stringMatching(
        /^exercises\/starter-throws\/starter\.ts:2: cannot be graded: SyntaxError: Expected property name or '}' in JSON at position 1.* \(at starter\.ts:2:23\); a starter must compile and load so learners can try it$/,
      ),
    )
  })
})

describe('numbering', () => {
  it('wants each role and lesson number once, role names and lesson slugs once in the course', async () => {
    const lessonIn = (role: string, order: number) => lesson({ role, order: String(order) })
    const root = await createCourse({
      'lessons/01-alpha/role.md': role('Alpha', 1),
      'lessons/01-alpha/01-first/lesson.md': lessonIn('alpha', 1),
      'lessons/01-alpha/01-second/lesson.md': lessonIn('alpha', 1),
      'lessons/01-beta/role.md': role('Beta', 1),
      'lessons/01-beta/02-first/lesson.md': lessonIn('beta', 2),
      'lessons/02-alpha/role.md': role('Alpha again', 2),
    })
    const { problems } = await readCourse({ rootDir: root })
    expect(problems.map(formatProblem)).toEqual([
      'lessons/01-alpha/01-second: folder name: 01 is also the number of lessons/01-alpha/01-first; each lesson in a role needs its own number',
      'lessons/01-beta: folder name: 01 is also the number of lessons/01-alpha; each role needs its own number',
      'lessons/01-beta/02-first: folder name: the lesson slug "first" is also used by lessons/01-alpha/01-first; lesson slugs must be unique in the course',
      'lessons/02-alpha: folder name: the role "alpha" is also lessons/01-alpha; role names must be unique',
    ])
  })
})

describe('seed.sql problems', () => {
  it('are found on the line of the offending token', async () => {
    const seed = lines(
      'CREATE TABLE notes (',
      '  id INTEGER PRIMARY KEY,',
      '  body TEXT NOT NULL',
      ');',
      'INSERT INTO notes (body)',
      "  VALEUS ('one');",
    )
    expect(await findSeedProblem(db, seed)).toEqual({ line: 6, field: 'sql', message: 'near "VALEUS": syntax error (SQLITE_ERROR)' })
  })

  it('are nothing when the seed loads', async () => {
    expect(await findSeedProblem(db, lines('CREATE TABLE t (x);', 'INSERT INTO t VALUES (1);'))).toBeUndefined()
  })
})

describe('docs/writing-a-lesson.md', () => {
  it('has a complete example that passes lessons:check as written', async () => {
    const doc = await readFile(new URL('../docs/writing-a-lesson.md', import.meta.url), 'utf8')
    /** The first fenced block after `label`. */
    const block = (label: string) => {
      const after = doc.slice(doc.indexOf(label) + label.length)
      const match = /^(`{3,})\w*\n([\s\S]*?)\n\1$/m.exec(after)
      if (doc.indexOf(label) < 0 || !match) throw new Error(`no code block after ${label}`)
      return `${match[2]}\n`
    }
    const root = await createCourse({
      'lessons/04-api-engineer/role.md': role('API engineer', 4),
      'lessons/04-api-engineer/01-short-links/lesson.md': block('And the lesson that opens it'),
      ...Object.fromEntries(
        ['seed.sql', 'starter.ts', 'solution.ts', 'checks.ts', 'hints.md'].map((file) => [`exercises/short-links/${file}`, block(`\n\`${file}\`\n`)]),
      ),
    })
    // From a temporary folder the grading module is further away than from exercises/ here.
    const checks = join(root, 'exercises/short-links/checks.ts')
    const gradingModule = fileURLToPath(new URL('../sandbox-server/grading/index.ts', import.meta.url))
    await writeFile(checks, (await readFile(checks, 'utf8')).replace('../../sandbox-server/grading/index.ts', gradingModule))
    expect((await checkCourse({ rootDir: root, sessions })).map(formatProblem)).toEqual([])
  })
})

describe('lessons:new', () => {
  it('scaffolds a lesson and exercise that pass the validator as they stand', async () => {
    const root = await createCourse({})
    const first = await scaffoldLesson({ role: '03-database-whisperer', slug: 'joins-without-tears', rootDir: root })
    expect(first.created).toEqual([
      'lessons/03-database-whisperer/role.md',
      'lessons/03-database-whisperer/01-joins-without-tears/lesson.md',
      'exercises/joins-without-tears/starter.ts',
      'exercises/joins-without-tears/solution.ts',
      'exercises/joins-without-tears/checks.ts',
      'exercises/joins-without-tears/hints.md',
      'exercises/joins-without-tears/seed.sql',
      'exercises/joins-without-tears/mutants/newest-first.mutant',
    ])
    const second = await scaffoldLesson({ role: 'database-whisperer', slug: 'indexes-matter', rootDir: root })
    expect(second.created[0]).toBe('lessons/03-database-whisperer/02-indexes-matter/lesson.md')
    expect(await readFile(second.lessonFile, 'utf8')).toContain('title: Indexes matter\nrole: database-whisperer\n')

    // Its mutant is caught by its check, so even --mutants finds nothing to say.
    expect((await checkCourse({ rootDir: root, sessions, mutants: true })).map(formatProblem)).toEqual([])
  })

  it('scaffolds a test-writing exercise whose tests are graded against mutants, green as it stands', async () => {
    const root = await createCourse({})
    const { created } = await scaffoldLesson({ role: '09-debugging-detective', slug: 'test-the-doubler', rootDir: root, tests: true })
    expect(created.filter((file) => file.startsWith('exercises/'))).toEqual([
      'exercises/test-the-doubler/app.ts',
      'exercises/test-the-doubler/starter.ts',
      'exercises/test-the-doubler/solution.ts',
      'exercises/test-the-doubler/checks.ts',
      'exercises/test-the-doubler/hints.md',
    ])
    expect((await checkCourse({ rootDir: root, sessions })).map(formatProblem)).toEqual([])
  })

  it('refuses to overwrite or to guess', async () => {
    const root = await createCourse({ 'lessons/03-database-whisperer/role.md': role('Database whisperer', 3) })
    await scaffoldLesson({ role: 'database-whisperer', slug: 'taken', rootDir: root })
    const refusal = (options: { role: string; slug: string }) =>
      scaffoldLesson({ ...options, rootDir: root }).then(
        () => 'scaffolded',
        (error: Error) => (error instanceof ScaffoldRefused ? error.message : error),
      )
    expect(await refusal({ role: 'database-whisperer', slug: 'taken' })).toBe(
      'a lesson "taken" already exists: lessons/03-database-whisperer/01-taken',
    )
    await mkdir(join(root, 'exercises/used-elsewhere'))
    expect(await refusal({ role: 'database-whisperer', slug: 'used-elsewhere' })).toBe(
      'exercises/used-elsewhere already exists; pick another slug (nothing was overwritten)',
    )
    expect(await refusal({ role: 'api-engineer', slug: 'routes' })).toBe(
      'there is no role "api-engineer" (found: 03-database-whisperer); to start a new role give its number, e.g. "04-api-engineer"',
    )
    expect(await refusal({ role: '04-database-whisperer', slug: 'routes' })).toBe(
      'the role "database-whisperer" is 03-database-whisperer: give "03-database-whisperer" or just "database-whisperer"',
    )
    expect(await refusal({ role: '03-api-engineer', slug: 'routes' })).toBe(
      'the number 03 belongs to 03-database-whisperer; pick a free number for "api-engineer"',
    )
    expect(await refusal({ role: 'database-whisperer', slug: 'Bad Slug' })).toBe(
      '"Bad Slug" is not a slug: use lowercase words joined by dashes (at most 64 characters), e.g. "joins-without-tears"',
    )
  })
})
