/**
 * Progress while a batch grades, on stderr so stdout stays the report: on a terminal one bar
 * redrawn in place (with who is being graded now); anywhere else (CI logs, pipes) one plain
 * line per finished student, so a log shows who was graded and how it went.
 */
import { formatSeconds } from './terminal-report.ts'
import { paintFor } from './colors.ts'
import type { StudentResult } from './results.ts'
import type { Submission } from './submissions.ts'

export interface Progress {
  start(submission: Submission): void
  finish(result: StudentResult): void
  /** Clears the bar (a terminal) so the report starts on a clean line. */
  end(): void
}

const BAR_WIDTH = 24

/**
 * One line of a terminal redrawn in place: the grader's bar and lessons:check's spinner. Cut to
 * the terminal's width, so it never wraps (a wrapped line cannot be redrawn).
 *
 * @example
 * const line = terminalLine(process.stderr)
 * line.draw('grading alice')
 * line.clear()
 */
export function terminalLine(stream: NodeJS.WriteStream): { draw(text: string): void; clear(): void } {
  return {
    draw(text) {
      const columns = stream.columns || 80
      const visible = text.replace(/\x1b\[[0-9;]*m/g, '')
      stream.write(`\r\x1b[2K${visible.length > columns - 1 ? `${visible.slice(0, columns - 2)}…` : text}`)
    },
    clear() {
      stream.write('\r\x1b[2K')
    },
  }
}

/**
 * A progress reporter for `total` submissions on `stream`.
 *
 * @example
 * const progress = createProgress({ stream: process.stderr, total: submissions.length })
 * await gradeBatch({ ..., onStart: progress.start, onGraded: progress.finish })
 * progress.end()
 */
export function createProgress({ stream, total }: { stream: NodeJS.WriteStream; total: number }): Progress {
  const paint = paintFor(stream)
  const running = new Set<string>()
  const counts = { pass: 0, fail: 0, error: 0 }
  let done = 0

  if (!stream.isTTY) {
    const width = String(total).length
    return {
      start() {},
      finish(result) {
        done++
        const why = result.gradable ? '' : `  ${(result.message ?? '').split('\n')[0]}`
        stream.write(
          `[${String(done).padStart(width)}/${total}] ${result.student}  ${result.status}  ${result.score}/${result.maxScore}  ${formatSeconds(result.durationMs)}${why}\n`,
        )
      },
      end() {},
    }
  }

  const line = terminalLine(stream)
  const draw = () => {
    const filled = Math.round((done / total) * BAR_WIDTH)
    const bar = `${'█'.repeat(filled)}${paint.gray('░'.repeat(BAR_WIDTH - filled))}`
    const tally = `${paint.green(`✓${counts.pass}`)} ${paint.red(`✗${counts.fail}`)} ${paint.yellow(`!${counts.error}`)}`
    const now = running.size ? `  grading ${[...running].join(', ')}` : ''
    line.draw(`${bar} ${done}/${total}  ${tally}${now}`)
  }
  return {
    start(submission) {
      running.add(submission.student)
      draw()
    },
    finish(result) {
      running.delete(result.student)
      done++
      counts[result.status]++
      draw()
    },
    end() {
      line.clear()
    },
  }
}
