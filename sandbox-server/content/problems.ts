/**
 * What is wrong with course content, in one shape: a file (relative to the project root, with
 * forward slashes), the line when there is one, the field, and a message that says what is
 * expected. The loader, the validator and `npm run lessons:check` all speak it, and its text
 * form (`file:line: field: message`) is what editors and terminals turn into links.
 */

export type ProblemSeverity = 'error' | 'warning'

export interface ContentProblem {
  severity: ProblemSeverity
  /** e.g. "lessons/03-database-whisperer/01-rows-in-rows-out/lesson.md" or "exercises/crud-notes". */
  file: string
  /** 1-based line in `file`, when the problem has one. */
  line?: number
  /** The frontmatter key, check or part of the file, e.g. "minutes" or "objectives.1". */
  field?: string
  message: string
}

/** A problem found inside one file, before the caller knows which file it is. */
export type LineProblem = Omit<ContentProblem, 'file' | 'severity'>

/**
 * One line: `file:line: field: message`, with `warning:` before the field for warnings.
 *
 * @example
 * formatProblem({ severity: 'error', file: 'lessons/02-x/01-y/lesson.md', line: 4, field: 'minutes', message: 'Expected integer' })
 * // 'lessons/02-x/01-y/lesson.md:4: minutes: Expected integer'
 */
export function formatProblem({ severity, file, line, field, message }: ContentProblem): string {
  const where = line === undefined ? file : `${file}:${line}`
  return `${where}: ${severity === 'warning' ? 'warning: ' : ''}${field ? `${field}: ` : ''}${message}`
}

/** "lessons/03-x" for anything inside that role, "exercises/y" for anything inside that exercise. */
export function groupOf(file: string): string {
  return file.split('/').slice(0, 2).join('/')
}

/** "1 error", "2 errors": a count and a word that takes an -s. */
export function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`
}

/** "2 errors, 1 warning", or "no problems". */
export function countProblems(problems: ContentProblem[]): string {
  const errors = problems.filter((problem) => problem.severity === 'error').length
  const warnings = problems.length - errors
  if (problems.length === 0) return 'no problems'
  return [errors && plural(errors, 'error'), warnings && plural(warnings, 'warning')].filter(Boolean).join(', ')
}

/**
 * The problems grouped by role or exercise folder (in the order first seen), each group headed by
 * its folder and counts, one problem per line, groups apart by a blank line.
 *
 * @example
 * console.log(formatReport(await checkCourse()))
 */
export function formatReport(problems: ContentProblem[]): string {
  const groups = new Map<string, ContentProblem[]>()
  for (const problem of problems) {
    const group = groupOf(problem.file)
    groups.set(group, [...(groups.get(group) ?? []), problem])
  }
  return [...groups].map(([group, members]) => [`${group} (${countProblems(members)})`, ...members.map(formatProblem)].join('\n')).join('\n\n')
}

/** Orders each file's problems by line, keeping files in the order they were first seen. */
export function sortProblems(problems: ContentProblem[]): ContentProblem[] {
  const fileOrder = new Map<string, number>()
  for (const problem of problems) if (!fileOrder.has(problem.file)) fileOrder.set(problem.file, fileOrder.size)
  return problems
    .map((problem, index) => ({ problem, index }))
    .sort(
      (a, b) => fileOrder.get(a.problem.file)! - fileOrder.get(b.problem.file)! || (a.problem.line ?? 0) - (b.problem.line ?? 0) || a.index - b.index,
    )
    .map(({ problem }) => problem)
}
