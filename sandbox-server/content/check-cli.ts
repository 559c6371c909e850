/**
 * `npm run lessons:check [-- <exercise-id>...] [--root <dir>] [--watch]` as a function from arguments to
 * an exit code: 0 no errors, 1 errors found, 2 a usage error. Arguments are read and exercise ids
 * checked against exercises/ before anything loads the sandbox, so a mistake answers at once.
 * Printing the report is here; what counts as a problem is check-course.ts.
 */
import { resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { listExercises } from '../exercises/index.ts'
import type { CheckProgress } from './check-course.ts'
import { PROJECT_ROOT } from './lessons.ts'
import { countProblems, formatReport, plural } from './problems.ts'
import { terminalLine } from '../grader-cli/progress.ts'

export const LESSONS_CHECK_USAGE = `Usage: npm run lessons:check [-- <exercise-id>... [--root <dir>] [--watch] [--mutants]]

Checks the course: every role.md and lesson.md (frontmatter, numbering, slugs), and every
exercise (its files, checks.ts, hints.md, seed.sql; the solution passes every check, the
starter fails at least one; starter.ts, solution.ts and app.ts type-check and are formatted as
Prettier would). Prints one line per problem, file:line: field: message.

  <exercise-id>...   check only these exercises (their folders in exercises/), not the lessons
  --root <dir>       check the course in <dir> (its own lessons/ and exercises/) instead of this one
  -w, --watch        check, then check again what changed each time a file is saved (Ctrl-C stops)
  --mutants          also grade each exercise's mutants/ (<name>.mutant patches of solution.ts,
                     one learner bug each): an error when one passes every check, a warning for
                     each check that fails on none of them
  -h, --help         show this text

Exit codes: 0 no errors (warnings allowed), 1 errors found, 2 usage error; --watch exits 0.

Examples:
  npm run lessons:check
  npm run lessons:check -- crud-notes
  npm run lessons:check -- --watch crud-notes
  npm run lessons:check -- --mutants crud-notes
  npm run lessons:check -- --root ../my-course`

const STEPS = {
  files: 'reading its files',
  seed: 'loading seed.sql',
  solution: 'grading solution.ts',
  starter: 'grading starter.ts',
  mutants: 'grading mutants/',
}
const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏']

/** A one-line spinner on a terminal; nothing at all when output goes to a file or CI log. */
function createProgressLine(stream: NodeJS.WriteStream) {
  if (!stream.isTTY) return { update(_text: string) {}, stop() {} }
  const line = terminalLine(stream)
  let text = ''
  let frame = 0
  const draw = () => line.draw(`${FRAMES[frame++ % FRAMES.length]} ${text}`)
  const timer = setInterval(draw, 80)
  timer.unref()
  return {
    update(next: string) {
      text = next
      draw()
    },
    stop() {
      clearInterval(timer)
      line.clear()
    },
  }
}

export interface LessonsCheckStreams {
  stdout: NodeJS.WriteStream
  stderr: NodeJS.WriteStream
}

/**
 * Runs lessons:check; resolves to the exit code.
 *
 * @example
 * process.exitCode = await runLessonsCheck(['crud-notes'])
 */
export async function runLessonsCheck(argv: string[], { stdout, stderr }: LessonsCheckStreams = process, signal?: AbortSignal): Promise<number> {
  let parsed
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        root: { type: 'string' },
        watch: { type: 'boolean', short: 'w' },
        mutants: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    })
  } catch (error) {
    // parseArgs explains well ("Unknown option '--rot'") but adds advice about "--" we do not want.
    return usageError(stderr, (error as Error).message.replace(/\. To specify a positional argument.*$/s, '.'))
  }
  const { values, positionals: only } = parsed
  if (values.help) {
    stdout.write(`${LESSONS_CHECK_USAGE}\n`)
    return 0
  }
  if (values.root === '') return usageError(stderr, '--root needs a folder, e.g. --root ../my-course')
  const rootDir = values.root === undefined ? PROJECT_ROOT : resolve(values.root)
  if (only.length) {
    const known = await listExercises(resolve(rootDir, 'exercises'))
    const unknown = only.filter((id) => !known.includes(id))
    if (unknown.length) {
      return usageError(
        stderr,
        `No exercise ${unknown.map((id) => `"${id}"`).join(', ')} in ${rootDir}/exercises. Exercises: ${known.join(', ') || '(none)'}.`,
      )
    }
  }

  if (values.watch && values.mutants)
    return usageError(stderr, '--mutants does not go with --watch yet: run it on its own, e.g. --mutants crud-notes')
  if (values.watch) {
    const { watchCourse } = await import('./watch.ts')
    return watchCourse({ rootDir, only, stdout, stderr, signal })
  }

  // Grading loads the sandbox: only now that the arguments are right.
  const { checkCourse } = await import('./check-course.ts')
  const progress = createProgressLine(stderr)
  let scope = ''
  const onProgress = (event: CheckProgress) => {
    if (event.kind === 'course') {
      scope = only.length
        ? plural(event.exercises, 'exercise')
        : `${plural(event.roles, 'role')}, ${plural(event.lessons, 'lesson')}, ${plural(event.exercises, 'exercise')}`
    } else {
      progress.update(`exercises/${event.id} (${event.index + 1}/${event.total}): ${STEPS[event.step]}`)
    }
  }
  let problems
  try {
    problems = await checkCourse({ rootDir, only: only.length ? only : undefined, mutants: values.mutants, onProgress, signal })
  } finally {
    progress.stop()
  }
  const errors = problems.filter((problem) => problem.severity === 'error').length
  if (problems.length) stdout.write(`${formatReport(problems)}\n\n`)
  stdout.write(`${errors ? '✖' : '✔'} lessons:check: ${countProblems(problems)} (${scope})\n`)
  return errors ? 1 : 0
}

function usageError(stderr: NodeJS.WriteStream, message: string): number {
  stderr.write(`error: ${message}\nRun npm run lessons:check -- --help for usage.\n`)
  return 2
}
