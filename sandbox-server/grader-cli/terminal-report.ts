/**
 * What a teacher reads in the terminal: for one submission every check with its mark, and for
 * each one that did not pass its message, the app's output, a curl line and the hint; for a
 * batch a table (student, status, score, failed checks) and the totals. Pure text in, text out.
 */
import type { CheckResult, SubmissionResult } from '../grading/index.ts'
import { STATUS_MARKS, type Paint } from './colors.ts'
import type { BatchSummary, StudentResult } from './results.ts'

const INDENT = '      '

function indent(text: string, prefix = INDENT): string {
  return text
    .replace(/\n$/, '')
    .split('\n')
    .map((line) => `${prefix}${line}`)
    .join('\n')
}

export function formatSeconds(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`
}

function formatCheck(check: CheckResult, paint: Paint): string {
  const { mark, color } = STATUS_MARKS[check.status]
  const label = check.status === 'pass' ? '' : ` ${paint[color](`(${check.status})`)}`
  const head = `  ${paint[color](mark)} ${check.name}${label}  ${paint.gray(formatSeconds(check.durationMs))}`
  if (check.status === 'pass') return head
  const lines = [head]
  if (check.message) lines.push(indent(check.message))
  if (check.output) lines.push(`${INDENT}${paint.gray('output:')}`, paint.gray(indent(check.output, `${INDENT}  `)))
  if (check.reproduction) lines.push(`${INDENT}${paint.gray('reproduce:')} ${check.reproduction}`)
  if (check.hint && check.status !== 'skipped') lines.push(`${INDENT}${paint.cyan('hint:')}`, indent(check.hint, `${INDENT}  `))
  return lines.join('\n')
}

/**
 * One submission's report, check by check, in the exercise's order.
 *
 * @example
 * process.stdout.write(formatSubmissionReport(result, { title: 'alice.ts', paint: paintFor(process.stdout) }))
 */
export function formatSubmissionReport(result: SubmissionResult, { title, paint }: { title: string; paint: Paint }): string {
  const lines = [paint.bold(`${result.exerciseId} · ${title}`)]
  if (!result.gradable) lines.push(`  ${paint.red('✗ not gradable')} (no attempt counted)`, indent(result.message ?? 'unknown reason'))
  else if (result.message) lines.push(indent(result.message))
  for (const check of result.tests) lines.push(formatCheck(check, paint))
  const notPassed = result.tests.filter((check) => check.status !== 'pass').length
  const status = result.status === 'pass' ? paint.green('PASS') : paint.red(result.status.toUpperCase())
  const detail = result.gradable ? ` · ${notPassed} of ${result.tests.length} checks did not pass` : ''
  lines.push('', `${status} · ${result.score}/${result.maxScore} points${detail} · ${formatSeconds(result.durationMs)}`)
  return `${lines.join('\n')}\n`
}

/** What the summary table says went wrong for one student. */
function whatWentWrong(student: StudentResult): string {
  if (!student.gradable) return `not gradable: ${(student.message ?? '').split('\n')[0]}`
  const notPassed = student.tests.filter((check) => check.status !== 'pass')
  // A loop or crash usually fails every check the same way (or times out, then skips): say so once.
  const statuses = [...new Set(notPassed.map((check) => check.status))]
  if (notPassed.length > 1 && notPassed.length === student.tests.length) {
    if (statuses.length === 1) return `all ${notPassed.length} checks (${statuses[0]})`
    const counts = statuses.map((status) => `${notPassed.filter((check) => check.status === status).length} ${status}`)
    return `no check passed (${counts.join(', ')})`
  }
  return notPassed.map((check) => (check.status === 'fail' ? check.name : `${check.name} (${check.status})`)).join('; ')
}

function truncate(text: string, width: number): string {
  return text.length <= width ? text : `${text.slice(0, Math.max(0, width - 1))}…`
}

/**
 * The batch table and totals; lines are cut to `width` columns when it is given (a terminal).
 *
 * @example
 * process.stdout.write(formatBatchReport(students, summarize(students), { paint, width: process.stdout.columns, durationMs }))
 */
export function formatBatchReport(
  students: StudentResult[],
  summary: BatchSummary,
  { paint, width, durationMs }: { paint: Paint; width?: number; durationMs?: number },
): string {
  const rows = students.map((student) => [student.student, student.status, `${student.score}/${student.maxScore}`, whatWentWrong(student)] as const)
  const header = ['student', 'status', 'score', 'did not pass'] as const
  const widths = [0, 1, 2].map((column) => Math.max(header[column]!.length, ...rows.map((row) => row[column]!.length)))
  const colorOf = { pass: paint.green, fail: paint.red, error: paint.yellow } as const
  const fixedWidth = widths[0]! + widths[1]! + widths[2]! + 6
  const line = ([name, status, score, problems]: readonly string[], colorStatus: boolean) => {
    const statusCell = status!.padEnd(widths[1]!)
    const shownStatus = colorStatus ? colorOf[status as keyof typeof colorOf](statusCell) : statusCell
    const rest = width ? truncate(problems!, Math.max(10, width - fixedWidth)) : problems!
    return `${name!.padEnd(widths[0]!)}  ${shownStatus}  ${score!.padStart(widths[2]!)}  ${rest}`.trimEnd()
  }
  const lines = [paint.bold(line(header, false)), ...rows.map((row) => line(row, true))]
  const score = students.reduce((sum, student) => sum + student.score, 0)
  const maxScore = students.reduce((sum, student) => sum + student.maxScore, 0)
  lines.push(
    '',
    `${summary.total} submissions: ${paint.green(`${summary.passed} passed`)}, ${paint.red(`${summary.failed} failed`)}, ` +
      `${paint.yellow(`${summary.errors} could not be graded`)} · ${score}/${maxScore} points in all` +
      (durationMs === undefined ? '' : ` · ${formatSeconds(durationMs)}`),
  )
  return `${lines.join('\n')}\n`
}
