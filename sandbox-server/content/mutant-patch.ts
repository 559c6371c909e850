/**
 * The mutant format: `exercises/<id>/mutants/<name>.mutant` is a small patch against
 * solution.ts, not a copy of it, so a folder of twenty bugs stays readable and repeats nothing.
 * The first line says which bug it is; then one or more find/replace pairs:
 *
 * ```
 * The note is pasted into the SQL text instead of bound with ?
 * --- find
 *   const { lastInsertRowid } = db.run('INSERT INTO notes (body) VALUES (?)', [body])
 * --- replace
 *   const { lastInsertRowid } = db.run(`INSERT INTO notes (body) VALUES ('${body}')`)
 * ```
 *
 * Each `find` is exact text (whole lines, indentation included) that occurs exactly once in
 * solution.ts; its `replace` takes its place. Blank lines at the end of a block are dropped, so
 * pairs may be spaced apart. Nothing here runs code: it only reads text and builds the mutant.
 */
import type { LineProblem } from './problems.ts'

/** The file ending that makes a file in mutants/ a mutant. */
export const MUTANT_EXTENSION = '.mutant'

export interface MutantPatch {
  /** The one-line description: which bug a learner wrote. */
  description: string
  /** The edits, in order; `line` is where the pair's `--- find` stands in the mutant file. */
  edits: { find: string; replace: string; line: number }[]
}

const FIND = '--- find'
const REPLACE = '--- replace'

/** The lines of a block without the blank lines that end it, as one string. */
function blockText(lines: string[]): string {
  let end = lines.length
  while (end > 0 && lines[end - 1]!.trim() === '') end--
  return lines.slice(0, end).join('\n')
}

/**
 * Reads a mutant file; the problems say what is malformed, at which line.
 *
 * @example
 * parseMutant('Adds instead of doubling\n--- find\nn * 2\n--- replace\nn + 2\n')
 * // { patch: { description: 'Adds instead of doubling', edits: [{ find: 'n * 2', replace: 'n + 2', line: 2 }] }, problems: [] }
 */
export function parseMutant(text: string): { patch: MutantPatch; problems: LineProblem[] } {
  const lines = text.replace(/\r\n/g, '\n').split('\n')
  const problems: LineProblem[] = []
  const first = lines[0]?.trim() ?? ''
  const description = first.startsWith('---') ? '' : first
  if (description === '') {
    problems.push({ line: 1, message: 'the first line should say which bug this is, in one line (e.g. "The note is pasted into the SQL text")' })
  }
  const edits: MutantPatch['edits'] = []
  let current: { findLines: string[]; replaceLines?: string[]; line: number } | undefined
  const finish = () => {
    if (!current) return
    if (current.replaceLines === undefined) {
      problems.push({ line: current.line, message: `this "${FIND}" has no "${REPLACE}" after it` })
    } else edits.push({ find: blockText(current.findLines), replace: blockText(current.replaceLines), line: current.line })
  }
  for (const [index, line] of lines.entries()) {
    if (index === 0 && description !== '') continue
    if (line.trimEnd() === FIND) {
      finish()
      current = { findLines: [], line: index + 1 }
    } else if (line.trimEnd() === REPLACE) {
      if (!current || current.replaceLines !== undefined) {
        problems.push({ line: index + 1, message: `a "${REPLACE}" needs a "${FIND}" before it` })
        current = undefined
      } else current.replaceLines = []
    } else if (current) {
      ;(current.replaceLines ?? current.findLines).push(line)
    } else if (line.trim() !== '') {
      problems.push({ line: index + 1, message: `text before the first "${FIND}": after the description come find/replace pairs` })
    }
  }
  finish()
  if (edits.length === 0 && problems.length === 0) {
    problems.push({
      line: 1,
      message: `no edits: add a "${FIND}" line, the text of solution.ts to change, a "${REPLACE}" line and the learner's version`,
    })
  }
  return { patch: { description, edits }, problems }
}

/** How many times `part` occurs in `text`, overlapping occurrences included. */
function occurrences(text: string, part: string): number {
  let count = 0
  for (let at = text.indexOf(part); at !== -1; at = text.indexOf(part, at + 1)) count++
  return count
}

/**
 * The mutant's source: solution.ts with each edit applied in order, or the problems that stop it
 * (a `find` that is empty, missing, or there more than once; a replace that changes nothing).
 *
 * @example
 * applyMutant('const n = 2\nreturn n * 2\n', patch) // { source: 'const n = 2\nreturn n + 2\n', problems: [] }
 */
export function applyMutant(solution: string, { edits }: MutantPatch): { source?: string; problems: LineProblem[] } {
  const problems: LineProblem[] = []
  let source = solution
  for (const { find, replace, line } of edits) {
    const count = find === '' ? 0 : occurrences(solution, find)
    if (find === '') problems.push({ line, message: 'this find is empty: copy the lines of solution.ts to change' })
    else if (count === 0) problems.push({ line, message: 'this find is not in solution.ts: copy the lines exactly, indentation included' })
    else if (count > 1) problems.push({ line, message: `this find occurs ${count} times in solution.ts: add a line around it so it occurs once` })
    else if (find === replace) problems.push({ line, message: 'this replace is the same as its find: the edit changes nothing' })
    else if (!source.includes(find)) problems.push({ line, message: 'an earlier edit in this file already changed the text this find looks for' })
    else source = source.replace(find, () => replace)
  }
  return problems.length ? { problems } : { source, problems }
}
