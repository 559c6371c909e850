/**
 * What a check does, as text, for result formats that show each test's code (Exercism's
 * `test_code`): the check's `description`, or else the body of its `run` as written in
 * checks.ts, found by the check's name. Reads source text only; it never runs it. A check it
 * cannot find (one built by a helper, a name built at run time) falls back to its name.
 */
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { CheckDefinition } from './checks.ts'

/**
 * The test code of every check of an exercise, in the checks' order.
 *
 * @example
 * const codes = await checkTestCode(exercise.dir, exercise.checks)
 * codes.get('GET /notes lists the notes') // "const response = await t.request('GET', '/notes')\n..."
 */
export async function checkTestCode(exerciseDir: string, checks: CheckDefinition[]): Promise<Map<string, string>> {
  const runs = runsIn(await readChecks(exerciseDir))
  return new Map(checks.map((check) => [check.name, check.description ?? runs.get(check.name)?.body ?? check.name]))
}

/**
 * The line in checks.ts where a check's `run` is written, to point the instructor at a check
 * that threw or did not finish; undefined when it cannot be found by the check's name.
 *
 * @example
 * await checkLine(exercise.dir, 'GET /notes lists the notes') // 6
 */
export async function checkLine(exerciseDir: string, name: string): Promise<number | undefined> {
  return runsIn(await readChecks(exerciseDir)).get(name)?.line
}

const readChecks = (exerciseDir: string) => readFile(join(exerciseDir, 'checks.ts'), 'utf8').catch(() => '')

const QUOTES = new Set(["'", '"', '`'])

/**
 * The index just past the string, template, comment or bracketed group that starts at `at`,
 * skipping over the quotes, comments and brackets inside it.
 */
function skip(source: string, at: number): number {
  const open = source[at]!
  if (QUOTES.has(open)) {
    for (let i = at + 1; i < source.length; i++) {
      if (source[i] === '\\') i++
      else if (source[i] === open) return i + 1
      else if (open === '`' && source[i] === '$' && source[i + 1] === '{') i = skip(source, i + 1) - 1
    }
    return source.length
  }
  if (source.startsWith('//', at)) {
    const end = source.indexOf('\n', at)
    return end < 0 ? source.length : end
  }
  if (source.startsWith('/*', at)) {
    const end = source.indexOf('*/', at + 2)
    return end < 0 ? source.length : end + 2
  }
  const close = { '(': ')', '[': ']', '{': '}' }[open]
  if (!close) return at + 1
  let i = at + 1
  while (i < source.length && source[i] !== close) {
    const c = source[i]!
    i = QUOTES.has(c) || '([{'.includes(c) || source.startsWith('//', i) || source.startsWith('/*', i) ? skip(source, i) : i + 1
  }
  return i + 1
}

/**
 * The line of the innermost bracket that is never closed, for a compile error that only says
 * where the parser gave up ('Expected ")" but found "export"', lines later). Quotes and
 * comments are skipped; a regular expression holding a bracket can mislead it, so callers offer
 * the line as a probable place.
 *
 * @example
 * unclosedBracketLine("app.get('/', (c) => c.text('hi')\n\nexport default app\n") // 1
 */
export function unclosedBracketLine(source: string): number | undefined {
  let unclosed: number | undefined
  for (let at = 0; at < source.length;) {
    const char = source[at]!
    if (QUOTES.has(char) || source.startsWith('//', at) || source.startsWith('/*', at)) at = skip(source, at)
    else if ('([{'.includes(char) && skip(source, at) > source.length) unclosed = at++
    else at = '([{'.includes(char) ? skip(source, at) : at + 1
  }
  return unclosed === undefined ? undefined : source.slice(0, unclosed).split('\n').length
}

/** A quoted name's value: the simple escapes undone; undefined for a template with `${}`. */
function unquote(literal: string): string | undefined {
  if (literal.startsWith('`') && literal.includes('${')) return undefined
  return literal.slice(1, -1).replace(/\\(.)/g, '$1')
}

/** Lines without their common indentation, and without blank lines at either end. */
function dedent(text: string): string {
  const lines = text
    .replace(/^\s*\n/, '')
    .trimEnd()
    .split('\n')
  const indents = lines.filter((line) => line.trim()).map((line) => line.match(/^ */)![0].length)
  const common = Math.min(...indents)
  return lines.map((line) => line.slice(common)).join('\n')
}

/**
 * Each check name written in checks.ts (a literal, or a constant holding one), mapped to the
 * body of its run and the line the run starts on.
 */
export function runsIn(source: string): Map<string, { body: string; line: number }> {
  const bodies = new Map<string, { body: string; line: number }>()
  // Names kept in constants: `const LOCKED = '...'` then `name: LOCKED`.
  const constants = new Map<string, string | undefined>()
  for (const match of source.matchAll(/\bconst\s+([A-Za-z_$][\w$]*)\s*=\s*(?=['"`])/g)) {
    const start = match.index + match[0].length
    constants.set(match[1]!, unquote(source.slice(start, skip(source, start))))
  }
  const names = [...source.matchAll(/\bname\s*:\s*(?:(?=['"`])|([A-Za-z_$][\w$]*)\b)/g)]
  names.forEach((match, index) => {
    const literalStart = match.index + match[0].length
    const literalEnd = match[1] === undefined ? skip(source, literalStart) : literalStart
    const name = match[1] === undefined ? unquote(source.slice(literalStart, literalEnd)) : constants.get(match[1])
    if (name === undefined) return
    // The run of this check object: before the next check's name.
    const limit = names[index + 1]?.index ?? source.length
    const run = /\brun\s*(?::\s*(?:async\s*)?(?:function\s*)?)?\(|\brun\s*:\s*(?:async\s+)?[A-Za-z_$][\w$]*\s*=>/y
    let at = literalEnd
    let found: RegExpExecArray | null = null
    for (; at < limit; at = QUOTES.has(source[at]!) || source.startsWith('//', at) || source.startsWith('/*', at) ? skip(source, at) : at + 1) {
      run.lastIndex = at
      if ((found = run.exec(source))) break
    }
    if (!found) return
    let i = found.index + found[0].length
    if (found[0].endsWith('(')) i = skip(source, i - 1)
    const arrow = /\s*(?::\s*[^={]+)?(?:=>)?\s*/y
    arrow.lastIndex = i
    i += arrow.exec(source)![0].length
    if (source[i] !== '{') return
    const end = skip(source, i)
    const line = source.slice(0, found.index).split('\n').length
    bodies.set(name, { body: dedent(source.slice(i + 1, end - 1)), line })
  })
  return bodies
}
