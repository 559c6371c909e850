/**
 * Is one exercise ready for learners? Its files are there, checks.ts exports valid checks whose
 * hints and prerequisites exist, hints.md has 2 or 3 hints (and its `## check:` sections name
 * real checks), seed.sql loads into a real database, the solution passes every check and the starter fails at least one, graded by the
 * same `gradeSubmission` learners meet. Problems name the file and, when known, the line.
 */
import { join, relative, sep } from 'node:path'
import type { DbPool } from '../capabilities/db/index.ts'
import type { SessionStore } from '../sessions/index.ts'
import { loadExercise, parseCheckHints, readOptional, type Exercise } from '../exercises/index.ts'
import { gradeSubmission } from '../grading/index.ts'
import { unclosedBracketLine } from '../grading/check-source.ts'
import { ValidationError } from '../validation/index.ts'
import { findSeedProblem } from './seed-sql.ts'
import type { ContentProblem, LineProblem } from './problems.ts'

export type ExerciseStep = 'files' | 'seed' | 'solution' | 'starter'

export interface CheckExerciseOptions {
  exercisesDir: string
  /** Problems name files relative to this folder. */
  rootDir: string
  db: DbPool
  sessions: SessionStore
  /** Called as each step starts, e.g. to show progress. */
  onStep?: (step: ExerciseStep) => void
  signal?: AbortSignal
}

const REQUIRED_FILES = ['starter.ts', 'solution.ts', 'checks.ts', 'hints.md'] as const
const WHY_MISSING: Record<(typeof REQUIRED_FILES)[number], string> = {
  'starter.ts': 'the code learners start from',
  'solution.ts': 'a solution that passes every check',
  'checks.ts': 'export default defineChecks([...])',
  'hints.md': '2 or 3 "## " sections: a nudge, the idea, nearly the answer',
}

/** "checks[0].name" from findProblems' "0.name", "default export" from "(root)". */
function checksField(field: string): string {
  if (field === '(root)') return 'default export'
  const [index, ...rest] = field.split('.')
  return `checks[${index}]${rest.map((part) => `.${part}`).join('')}`
}

/**
 * The line where a check's name appears in checks.ts, to point at the check: its `nth`
 * appearance (0 = the first) when several checks share the name.
 */
function lineOfCheck(source: string, name: string, nth = 0): number | undefined {
  const quoted = ["'", '"', '`'].map((quote) => `${quote}${name}${quote}`)
  for (const text of [...quoted, name]) {
    let index = source.indexOf(text)
    for (let skipped = 0; skipped < nth && index >= 0; skipped++) index = source.indexOf(text, index + text.length)
    if (index >= 0) return source.slice(0, index).split('\n').length
  }
  return undefined
}

/**
 * The line a compile error names ("line 3, column 5: ..."), or where the module threw while
 * loading ("... (at app.ts:4:21)": the learner's file is app.ts in the sandbox), if any.
 */
function lineOfCompileError(message: string): number | undefined {
  const match = /\bline (\d+), column \d+/.exec(message) ?? /\(at [\w.-]+\.ts:(\d+):\d+\)/.exec(message)
  return match ? Number(match[1]) : undefined
}

/**
 * Why checks.ts would not import, at its line when the compiler names one. Under tsx that is
 * esbuild ("checks.ts:2:35: ERROR: Unexpected ..."), under Vitest oxc ("[PARSE_ERROR] Unexpected
 * token ... checks.ts:2:36", with colours).
 */
function describeImportError(error: Error): LineProblem {
  const text = error.message.replaceAll(/\x1b\[[0-9;]*m/g, '')
  const line = /checks\.ts:(\d+):\d+/.exec(text)?.[1]
  const reason = /(?:ERROR:|\[[A-Z_]+\])[ \t]*(.+)/.exec(text)?.[1] ?? firstLine(text)
  return { line: line === undefined ? undefined : Number(line), message: `could not be loaded: ${reason.trim()}` }
}

/**
 * A file that could not be graded (it does not compile, or throws while loading), at its line.
 * For 'Expected ")" but found ...' that is where the bracket never closed opens, when it can be
 * found: the parser only notices lines later.
 */
function notGradable(learnerMessage = '', source: string, file: string): LineProblem {
  // The learner's file is app.ts (or app.test.ts) in the sandbox; the instructor's has its own name.
  const message = firstLine(learnerMessage).replace(/\(at app(?:\.test)?\.ts:(?=\d+:\d+\))/, `(at ${file}:`)
  const line = lineOfCompileError(message)
  const unclosed = /Expected "[)\]}]" but found/.test(message) ? unclosedBracketLine(source) : undefined
  if (unclosed === undefined || line === undefined) return { line, message: `cannot be graded: ${message}` }
  return { line: unclosed, message: `cannot be graded: ${message} (the bracket opened on line ${unclosed} is probably never closed)` }
}

function firstLine(text: string | undefined): string {
  return (text ?? '').split('\n')[0]!.trim()
}

function checkHints(source: string): LineProblem[] {
  // `## check: <name>` sections are one check's hints; the 2 or 3 are the general ones.
  const sectionLines = source.split('\n').flatMap((line, index) => (line.startsWith('## ') && !/^## check:/i.test(line) ? [index + 1] : []))
  const count = sectionLines.length
  if (count >= 2 && count <= 3) return []
  const what = `has ${count} "## " section${count === 1 ? '' : 's'}`
  if (count < 2) return [{ line: sectionLines[0] ?? 1, field: 'hints', message: `${what}; write 2 or 3: a nudge, the idea, nearly the answer` }]
  return [{ line: sectionLines[3], field: 'hints', message: `${what}; keep 2 or 3 (a nudge, the idea, nearly the answer)` }]
}

/** Each `## check: <name>` section of hints.md names a check and holds a hint. */
function checkHintsByCheck(exercise: Exercise, source: string): LineProblem[] {
  const names = exercise.checks.map((check) => check.name)
  return parseCheckHints(source).flatMap(({ check, line, hints }): LineProblem[] => {
    if (!names.includes(check)) {
      return [
        { line, field: 'hints', message: `"## check: ${check}" names no check; the checks are: ${names.map((name) => `"${name}"`).join(', ')}` },
      ]
    }
    return hints.length === 0 ? [{ line, field: 'hints', message: `"## check: ${check}" has no hint under it` }] : []
  })
}

/** Hint indexes, prerequisites and names that the schema cannot see. */
function checkCheckDefinitions(exercise: Exercise, source: string): LineProblem[] {
  const problems: LineProblem[] = []
  exercise.checks.forEach((check, index) => {
    const earlier = exercise.checks.slice(0, index).map((other) => other.name)
    // A name used before points at this check's own appearance, not the first one.
    const line = lineOfCheck(source, check.name, earlier.filter((other) => other === check.name).length)
    const duplicate = earlier.indexOf(check.name)
    if (duplicate >= 0) {
      problems.push({
        line,
        field: `checks[${index}].name`,
        message: `"${check.name}" is also the name of checks[${duplicate}]; names must be unique (results and requires use them)`,
      })
    }
    if (check.hint !== undefined && check.hint >= exercise.hints.length) {
      problems.push({
        line,
        field: `checks[${index}].hint`,
        message: `is ${check.hint} but hints.md has ${exercise.hints.length} hint${exercise.hints.length === 1 ? '' : 's'} (0 is the first)`,
      })
    }
    for (const required of check.requires ?? []) {
      if (earlier.includes(required)) continue
      problems.push({
        line,
        field: `checks[${index}].requires`,
        message: `"${required}" is not the name of an earlier check; a check can only wait for checks before it`,
      })
    }
  })
  return problems
}

/**
 * Every problem with `exercises/<id>/`, in the order an instructor would fix them.
 *
 * @example
 * const problems = await checkExercise('crud-notes', { exercisesDir, rootDir, db, sessions })
 */
export async function checkExercise(
  id: string,
  { exercisesDir, rootDir, db, sessions, onStep, signal }: CheckExerciseOptions,
): Promise<ContentProblem[]> {
  const dir = join(exercisesDir, id)
  const pathOf = (file: string) => relative(rootDir, join(dir, file)).split(sep).join('/')
  const problems: ContentProblem[] = []
  const report = (file: string, found: LineProblem[]) =>
    problems.push(...found.map((problem): ContentProblem => ({ severity: 'error', file: pathOf(file), ...problem })))

  onStep?.('files')
  const sources = Object.fromEntries(
    await Promise.all([...REQUIRED_FILES, 'seed.sql'].map(async (file) => [file, await readOptional(join(dir, file))] as const)),
  ) as Record<(typeof REQUIRED_FILES)[number] | 'seed.sql', string | undefined>
  for (const file of REQUIRED_FILES) {
    if (sources[file] === undefined) report(file, [{ message: `file is missing: ${WHY_MISSING[file]}` }])
  }
  if (sources['hints.md'] !== undefined) report('hints.md', checkHints(sources['hints.md']))
  if (sources['starter.ts'] === undefined || sources['solution.ts'] === undefined || sources['checks.ts'] === undefined) return problems

  let exercise: Exercise
  try {
    exercise = await loadExercise(id, exercisesDir)
  } catch (error) {
    if (error instanceof ValidationError)
      report(
        'checks.ts',
        error.problems.map(({ field, message }) => ({ field: checksField(field), message })),
      )
    else report('checks.ts', [describeImportError(error as Error)])
    return problems
  }
  report('checks.ts', checkCheckDefinitions(exercise, sources['checks.ts']))
  if (sources['hints.md'] !== undefined) report('hints.md', checkHintsByCheck(exercise, sources['hints.md']))

  if (exercise.seedSql !== undefined) {
    onStep?.('seed')
    const seedProblem = await findSeedProblem(db, exercise.seedSql)
    // Grading needs the seeded database; without it every check would fail for the same reason.
    if (seedProblem) {
      report('seed.sql', [seedProblem])
      return problems
    }
  }

  onStep?.('solution')
  const solution = await gradeSubmission({ exercise, code: exercise.solution, sessions, signal })
  if (!solution.gradable) {
    report('solution.ts', [notGradable(solution.message, exercise.solution, 'solution.ts')])
  } else {
    // A skipped check waits for one that failed, which is reported already.
    for (const test of solution.tests.filter((test) => test.status !== 'pass' && test.status !== 'skipped')) {
      // A check that threw or never finished is the instructor's to fix, at its line in checks.ts.
      const broken = /^This check (?:could not run|did not finish): checks\.ts(?::(\d+))? (.*?)\. This exercise has a broken check/s.exec(
        test.message ?? '',
      )
      if (broken) report('checks.ts', [{ line: broken[1] ? Number(broken[1]) : undefined, field: `check "${test.name}"`, message: broken[2]! }])
      else report('solution.ts', [{ field: `check "${test.name}"`, message: `${test.status}: ${firstLine(test.message)}` }])
    }
  }

  onStep?.('starter')
  const starter = await gradeSubmission({ exercise, code: exercise.starter, sessions, signal })
  if (!starter.gradable) {
    const problem = notGradable(starter.message, exercise.starter, 'starter.ts')
    report('starter.ts', [{ ...problem, message: `${problem.message}; a starter must compile and load so learners can try it` }])
  } else if (starter.status === 'pass') {
    report('starter.ts', [{ message: 'passes every check; a starter must fail at least one so the learner has something to do' }])
  }
  return problems
}
