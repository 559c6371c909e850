/**
 * lessons:check's format check: files that Prettier would format differently, at the first line
 * that differs, with the course's own Prettier settings (none: no format check). Authoring
 * tooling: Prettier is a devDependency, so nothing the server or the grader runs imports this.
 */
import { readFile } from 'node:fs/promises'
import type { LineProblem } from './problems.ts'

/**
 * The problem with `file`'s formatting, at the first line Prettier would change, or undefined
 * when it is formatted, the course has no Prettier settings, or its .prettierignore leaves it out.
 *
 * @example
 * await findFormatProblem('/course/exercises/crud-notes/starter.ts', '/course/.prettierignore')
 * // { line: 4, field: 'format', message: 'is not formatted as Prettier would: run npx prettier --write on it' }
 */
export async function findFormatProblem(file: string, ignorePath: string): Promise<LineProblem | undefined> {
  // Loaded on first use: lessons:check loads this module for every run, with or without files to format.
  const prettier = await import('prettier')
  const { ignored } = await prettier.getFileInfo(file, { ignorePath })
  if (ignored) return undefined
  // A course without Prettier settings has not chosen a style to hold its files to.
  const config = await prettier.resolveConfig(file)
  if (config === null) return undefined
  const source = await readFile(file, 'utf8')
  let formatted: string
  try {
    formatted = await prettier.format(source, { ...config, filepath: file })
  } catch {
    // Code Prettier cannot parse: grading and the type-check report it at its line.
    return undefined
  }
  if (formatted === source) return undefined
  const [before, after] = [source.split('\n'), formatted.split('\n')]
  const index = before.findIndex((line, at) => line !== after[at])
  return {
    line: (index < 0 ? before.length : index) + 1,
    field: 'format',
    message: 'is not formatted as Prettier would format it: run npx prettier --write on it',
  }
}
