/**
 * What a run shows: log lines (at the app's clock time), the checks' results with their hints,
 * and the learner's own test run. Pure renderers: they build elements and change nothing else.
 */
import type { CheckReplay, CheckStatus, LogEntry, SubmissionResult, TestRunResult } from './api'
import { h } from './dom'
import { hintReveal, type ExerciseHints } from './hint-reveal'
import { replayButton } from './check-replay'

const STATUS_LABELS: Record<CheckStatus, string> = {
  pass: '✓ Passed',
  fail: '✗ Failed',
  error: '⚠ Crashed',
  timeout: '⏱ Time limit hit',
  limit: '▣ Memory or output limit hit',
  skipped: '– Skipped',
}

/** The app's log lines, each at its time on the app's clock (moved with the clock panel), to the second. */
export function logList(logs: LogEntry[]): HTMLElement {
  const list = h('ul', { class: 'ws-logs', 'aria-label': 'Logs' })
  for (const entry of logs) {
    const fields = entry.fields ? ` ${JSON.stringify(entry.fields)}` : ''
    const time = h('time', { class: 'muted', datetime: new Date(entry.time).toISOString() }, new Date(entry.time).toLocaleTimeString())
    list.append(h('li', { 'data-level': entry.level }, time, ` [${entry.level}] ${entry.message}${fields}`))
  }
  return list
}

/**
 * The summary and one entry per check; the first problem is open, with its hints a click away.
 * When the grade was kept, a failed check offers a replay (`replay` asks the server) whose curl
 * lines target the kept session, instead of a curl line for the learner's own session, where a
 * token from the grade is refused and the clock never moved.
 */
export function renderCheckResults(
  result: SubmissionResult,
  hints: ExerciseHints,
  { replay }: { replay?: (checkName: string) => Promise<CheckReplay> } = {},
): Node[] {
  const passed = result.tests.filter((test) => test.status === 'pass').length
  const summary = result.gradable
    ? `${passed} of ${result.tests.length} checks pass${result.status === 'pass' ? ': all done!' : '.'}`
    : `Your code could not be checked: ${result.message ?? 'it does not load'}. No attempt was counted.`
  const list = h('ol', { class: 'ws-check-list' })
  let firstProblemOpened = false
  for (const test of result.tests) {
    const details = h('details', { 'data-status': test.status })
    if (test.status !== 'pass' && !firstProblemOpened) {
      details.setAttribute('open', '')
      firstProblemOpened = true
    }
    details.append(h('summary', {}, h('span', { class: `ws-check-status status-${test.status}` }, STATUS_LABELS[test.status]), ' ', test.name))
    const body = h('div', { class: 'ws-check-body' })
    if (test.message) body.append(h('pre', {}, test.message))
    if (test.output) body.append(h('p', { class: 'muted' }, 'Your app logged:'), h('pre', {}, test.output))
    const replayable = replay && result.kept && test.status !== 'pass' && test.status !== 'skipped'
    if (replayable) body.append(replayButton(test.name, replay))
    else if (test.reproduction) body.append(h('p', {}, 'Try it yourself:'), h('pre', {}, h('code', {}, test.reproduction)))
    const hintButton = test.status === 'pass' ? null : hintReveal(hints, test)
    if (hintButton) body.append(hintButton)
    if (body.childElementCount === 0) body.append(h('p', { class: 'muted' }, `Took ${Math.round(test.durationMs)} ms.`))
    details.append(body)
    list.append(h('li', {}, details))
  }
  return [h('p', { class: `ws-summary status-${result.status}`, 'data-ws': 'checks-summary', 'data-status': result.status }, summary), list]
}

/** "app.test.ts:12:5" as a button that shows that line of the learner's file. */
function lineButton(at: string, onLine: (line: number, column: number) => void): HTMLElement | string {
  const [, line, column] = /:(\d+):(\d+)$/.exec(at) ?? []
  if (!at.startsWith('app.test.ts') || !line) return at
  const jump = h('button', { type: 'button' }, `line ${line}`)
  jump.addEventListener('click', () => onLine(Number(line), Number(column)))
  return jump
}

/** The learner's own tests against the real app (a test-writing exercise). */
export function renderTestRun(
  { passed, failed, tests, logs }: TestRunResult,
  { onLine }: { onLine: (line: number, column: number) => void },
): Node[] {
  const list = h('ul', { class: 'ws-test-list' })
  for (const test of tests) {
    const item = h(
      'li',
      { 'data-status': test.status },
      h('span', { class: `ws-check-status status-${test.status}` }, test.status === 'pass' ? '✓ Passed' : '✗ Failed'),
      ' ',
      test.name,
    )
    if (test.status === 'fail') {
      if (test.at) item.append(' (', lineButton(test.at, onLine), ')')
      item.append(h('pre', {}, test.message ?? 'failed'))
    }
    list.append(item)
  }
  const summary =
    tests.length === 0
      ? "You have no tests yet: import { test, expect } from 'sandbox/test' and write one."
      : `${passed} of ${tests.length} ${tests.length === 1 ? 'test passes' : 'tests pass'} against the real app${failed ? '.' : ': good. Now run the checks to see which bugs they catch.'}`
  const parts: Node[] = [h('p', { class: 'ws-summary', 'data-ws': 'tests-summary', 'data-status': failed ? 'fail' : 'pass' }, summary), list]
  if (logs.length) parts.push(h('h4', {}, 'Logs'), logList(logs))
  return parts
}
