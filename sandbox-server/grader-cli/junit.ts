/**
 * JUnit XML for CI dashboards (GitLab, Jenkins, GitHub test reporters): one <testsuite> per
 * student, one <testcase> per check. fail and timeout are <failure>, error is <error>, skipped
 * is <skipped/>; a submission that could not be graded is one <error> case. Times are seconds.
 * Everything learner-controlled (messages, logs) is escaped, and characters XML 1.0 cannot
 * carry are dropped, so a hostile log line cannot break the file. The document is valid
 * against Jenkins xUnit's junit-10.xsd (junit.xsd restates what it allows; junit.test.ts
 * checks with xmllint): so `skipped` is counted per suite only, never on <testsuites>.
 */
import type { CheckResult, SubmissionResult } from '../grading/index.ts'

export interface JUnitSuite {
  /** The student, e.g. "alice". */
  name: string
  /** The graded file, as a `file` attribute. */
  file?: string
  result: SubmissionResult
}

// Control characters other than tab, newline and return, lone surrogates, U+FFFE and U+FFFF.
const NOT_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g

/** Escapes text for XML element content: markup characters, and what XML cannot carry dropped. */
export function escapeXmlText(text: string): string {
  return text.replace(NOT_XML, '').replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('\r', '&#13;')
}

/**
 * Escapes text for a double-quoted XML attribute, keeping line breaks and tabs as references
 * (a parser would otherwise turn them into spaces).
 *
 * @example
 * `<failure message="${escapeXmlAttribute('expected "a" & <b>')}"/>`
 */
export function escapeXmlAttribute(text: string): string {
  return escapeXmlText(text).replaceAll('"', '&quot;').replaceAll("'", '&apos;').replaceAll('\n', '&#10;').replaceAll('\t', '&#9;')
}

const seconds = (ms: number) => (ms / 1000).toFixed(3)

function attributes(values: Record<string, string | number | undefined>): string {
  return Object.entries(values)
    .filter(([, value]) => value !== undefined)
    .map(([name, value]) => ` ${name}="${escapeXmlAttribute(String(value))}"`)
    .join('')
}

/** The whole story of a check that did not pass, for the body of <failure> or <error>. */
function details(check: CheckResult): string {
  return [
    check.message,
    check.output && `Output:\n${check.output}`,
    check.reproduction && `Reproduce: ${check.reproduction}`,
    check.hint && `Hint:\n${check.hint}`,
  ]
    .filter(Boolean)
    .join('\n\n')
}

function testcase(check: CheckResult, classname: string): string {
  const open = `    <testcase${attributes({ name: check.name, classname, time: seconds(check.durationMs) })}`
  const message = check.message ?? check.status
  switch (check.status) {
    case 'pass':
      return `${open}/>`
    case 'skipped':
      return `${open}>\n      <skipped${attributes({ message })}/>\n    </testcase>`
    case 'error':
      return `${open}>\n      <error${attributes({ message, type: 'error' })}>${escapeXmlText(details(check))}</error>\n    </testcase>`
    default:
      return `${open}>\n      <failure${attributes({ message, type: check.status })}>${escapeXmlText(details(check))}</failure>\n    </testcase>`
  }
}

function testsuite({ name, file, result }: JUnitSuite): string {
  const classname = `${result.exerciseId}.${name}`
  const count = (...statuses: CheckResult['status'][]) => result.tests.filter((check) => statuses.includes(check.status)).length
  if (!result.gradable) {
    const message = result.message ?? 'could not be graded'
    return [
      `  <testsuite${attributes({ name, tests: 1, failures: 0, errors: 1, skipped: 0, time: seconds(result.durationMs), file })}>`,
      `    <testcase${attributes({ name: 'the submission compiles and loads', classname, time: seconds(result.durationMs) })}>`,
      `      <error${attributes({ message, type: 'not gradable' })}>${escapeXmlText(message)}</error>`,
      `    </testcase>`,
      `  </testsuite>`,
    ].join('\n')
  }
  const head = `  <testsuite${attributes({
    name,
    tests: result.tests.length,
    failures: count('fail', 'timeout', 'limit'),
    errors: count('error'),
    skipped: count('skipped'),
    time: seconds(result.durationMs),
    file,
  })}>`
  return [head, ...result.tests.map((check) => testcase(check, classname)), '  </testsuite>'].join('\n')
}

/**
 * The JUnit XML document for one exercise's submissions.
 *
 * @example
 * await writeFile('junit.xml', toJUnitXml('crud-notes', [{ name: 'alice', file: 'alice.ts', result }]))
 */
export function toJUnitXml(exerciseId: string, suites: JUnitSuite[]): string {
  const bodies = suites.map(testsuite)
  const all = suites.flatMap(({ result }) => (result.gradable ? result.tests.map((check) => check.status) : ['error' as const]))
  const totals = attributes({
    name: exerciseId,
    tests: all.length,
    failures: all.filter((status) => status === 'fail' || status === 'timeout' || status === 'limit').length,
    errors: all.filter((status) => status === 'error').length,
    time: seconds(suites.reduce((sum, { result }) => sum + result.durationMs, 0)),
  })
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites${totals}>\n${bodies.join('\n')}\n</testsuites>\n`
}
