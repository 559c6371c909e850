/**
 * `npm run lessons:check`: validates every role, lesson and exercise (see
 * sandbox-server/content/check-course.ts) and prints one line per problem,
 * `file:line: field: message`, grouped by folder, then a summary. Exits 1 on any error.
 * While exercises are graded, a progress line turns on stderr when it is a terminal.
 * `-- --root <dir>` checks the course in another folder (with its own lessons/ and exercises/).
 */
import { resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { checkCourse, type CheckProgress } from '../sandbox-server/content/check-course.ts'
import { countProblems, formatReport } from '../sandbox-server/content/problems.ts'

const STEPS = { files: 'reading its files', seed: 'loading seed.sql', solution: 'grading solution.ts', starter: 'grading starter.ts' }
const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏']

/** A one-line spinner on a terminal; nothing at all when output goes to a file or CI log. */
function createProgressLine(stream: NodeJS.WriteStream) {
  if (!stream.isTTY) return { update(_text: string) {}, stop() {} }
  let text = ''
  let frame = 0
  const draw = () => stream.write(`\r\x1b[2K${FRAMES[frame++ % FRAMES.length]} ${text}`)
  const timer = setInterval(draw, 80)
  timer.unref()
  return {
    update(next: string) {
      text = next
      draw()
    },
    stop() {
      clearInterval(timer)
      stream.write('\r\x1b[2K')
    },
  }
}

const { values: args } = parseArgs({ options: { root: { type: 'string' } } })
const progress = createProgressLine(process.stderr)
const controller = new AbortController()
process.once('SIGINT', () => controller.abort(new Error('lessons:check was interrupted')))

let scope = ''
const onProgress = (event: CheckProgress) => {
  if (event.kind === 'course') {
    scope = `${event.roles} role${event.roles === 1 ? '' : 's'}, ${event.lessons} lesson${event.lessons === 1 ? '' : 's'}, ${event.exercises} exercise${event.exercises === 1 ? '' : 's'}`
  } else {
    progress.update(`exercises/${event.id} (${event.index + 1}/${event.total}): ${STEPS[event.step]}`)
  }
}

let problems
try {
  problems = await checkCourse({ rootDir: args.root === undefined ? undefined : resolve(args.root), onProgress, signal: controller.signal })
} finally {
  progress.stop()
}
const errors = problems.filter((problem) => problem.severity === 'error').length
if (problems.length) console.log(`${formatReport(problems)}\n`)
console.log(`${errors ? '✖' : '✔'} lessons:check: ${countProblems(problems)} (${scope})`)
process.exitCode = errors ? 1 : 0
