/**
 * Frontmatter: the `---` block at the top of `role.md` and `lesson.md`, parsed with `yaml` and
 * checked against a TypeBox schema through the shared `findProblems`. Every problem carries the
 * line *in the markdown file* of the key it is about (YAML's node ranges through a LineCounter),
 * so an instructor reads `lesson.md:4: minutes: Expected integer` and goes straight there.
 * This module never reads files: it turns text into data or line-numbered problems.
 */
import type { Static, TSchema } from '@sinclair/typebox'
import { Value } from '@sinclair/typebox/value'
import { CST, LineCounter, Parser, isMap, isScalar, isSeq, parseDocument, type Document } from 'yaml'
import { findProblems } from '../validation/index.ts'
import type { LineProblem } from './problems.ts'

export interface ParsedFrontmatter<T> {
  /** The frontmatter when it is valid, typed by the schema; undefined when there are problems. */
  data: T | undefined
  /** The YAML as parsed, valid or not (undefined when it is not YAML): for best-effort cross-checks. */
  raw: unknown
  /** The markdown after the closing `---`. */
  body: string
  /** The 1-based line of the file where `body` starts. */
  bodyLine: number
  /** The line of each top-level key, e.g. `{ title: 2, minutes: 6 }`, for later cross-checks. */
  keyLines: Record<string, number>
  /** Line-numbered problems, in line order. Empty when `data` is set. */
  problems: LineProblem[]
}

const FENCE = /^---[ \t]*$/

/** What to do about the YAML mistakes instructors make most, by yaml's error code. */
const YAML_ADVICE: Record<string, string> = {
  BLOCK_AS_IMPLICIT_KEY: 'put the value in quotes when it contains ": "',
  DUPLICATE_KEY: 'each field may appear once',
}

/**
 * For a missing closing quote, the YAML line where the quote opened: yaml reports the end of
 * the text, where the string it took for a value finally stopped, not where the mistake is.
 */
function unclosedQuoteLine(yamlText: string, code: string): number | undefined {
  if (code !== 'MISSING_CHAR') return undefined
  let opened: number | undefined
  for (const token of new Parser().parse(yamlText)) {
    if (token.type !== 'document') continue
    CST.visit(token, ({ key, value }) => {
      for (const node of [key, value]) {
        if (node?.type !== 'double-quoted-scalar' && node?.type !== 'single-quoted-scalar') continue
        const quote = node.source[0]
        if (node.source.length < 2 || !node.source.endsWith(quote!)) opened ??= node.offset
      }
    })
  }
  return opened === undefined ? undefined : yamlText.slice(0, opened).split('\n').length
}

/** The line of the node at `path` (a key's line for map entries, an item's for sequences), if it exists. */
function lineOfPath(document: Document, path: string[], lineOfOffset: (offset: number) => number): number | undefined {
  let node: unknown = document.contents
  let line: number | undefined
  for (const segment of path) {
    if (isMap(node)) {
      const pair = node.items.find((item) => isScalar(item.key) && String(item.key.value) === segment)
      if (!pair) break
      if (isScalar(pair.key) && pair.key.range) line = lineOfOffset(pair.key.range[0])
      node = pair.value
    } else if (isSeq(node) && /^\d+$/.test(segment)) {
      const item = node.items[Number(segment)] as { range?: [number, number, number] } | undefined
      if (!item) break
      if (item.range) line = lineOfOffset(item.range[0])
      node = item
    } else {
      break
    }
  }
  return line
}

/** "title, role and summary" */
function listFields(names: string[]): string {
  return names.length <= 1 ? names.join('') : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`
}

/**
 * Splits a markdown file into its frontmatter and body, parses the YAML and checks it against
 * `schema`. YAML syntax errors stop there (the first one only: later ones are usually echoes).
 *
 * @example
 * const { data, body, problems } = parseFrontmatter(await readFile(file, 'utf8'), LessonFrontmatter)
 * for (const { line, field, message } of problems) console.log(`${file}:${line}: ${field}: ${message}`)
 */
export function parseFrontmatter<S extends TSchema>(source: string, schema: S): ParsedFrontmatter<Static<S>> {
  const lines = source.replace(/^\uFEFF/, '').split(/\r?\n/)
  const fail = (problem: LineProblem): ParsedFrontmatter<Static<S>> => ({
    data: undefined,
    raw: undefined,
    body: '',
    bodyLine: 1,
    keyLines: {},
    problems: [problem],
  })
  if (!FENCE.test(lines[0] ?? '')) {
    return fail({ line: 1, field: 'frontmatter', message: 'the file must start with a "---" line, then the YAML fields, then another "---" line' })
  }
  const closing = lines.findIndex((line, index) => index > 0 && FENCE.test(line))
  if (closing === -1) return fail({ line: 1, field: 'frontmatter', message: 'no closing "---" line after the YAML fields' })

  // The YAML starts on file line 2, so YAML line n is file line n + 1.
  const yamlText = lines.slice(1, closing).join('\n')
  const lineCounter = new LineCounter()
  const document = parseDocument(yamlText, { lineCounter, uniqueKeys: true })
  const lineOfOffset = (offset: number) => lineCounter.linePos(offset).line + 1
  const body = lines.slice(closing + 1).join('\n')
  const bodyLine = closing + 2

  const yamlError = document.errors[0]
  if (yamlError) {
    const advice = YAML_ADVICE[yamlError.code]
    const message = yamlError.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '') + (advice ? `; ${advice}` : '')
    const errorLine = yamlError.linePos?.[0].line ?? 1
    const line = Math.min((unclosedQuoteLine(yamlText, yamlError.code) ?? errorLine) + 1, closing + 1)
    return {
      data: undefined,
      raw: undefined,
      body,
      bodyLine,
      keyLines: {},
      problems: [{ line, field: 'frontmatter', message: `YAML syntax error: ${message}` }],
    }
  }

  const keyLines: Record<string, number> = {}
  if (isMap(document.contents)) {
    for (const { key } of document.contents.items) {
      if (isScalar(key) && key.range) keyLines[String(key.value)] = lineOfOffset(key.range[0])
    }
  }

  const data: unknown = document.toJS()
  if (Value.Check(schema, data)) return { data: data as Static<S>, raw: data, body, bodyLine, keyLines, problems: [] }

  if (data === null || data === undefined) {
    const required = (schema as { required?: string[] }).required ?? []
    return {
      data: undefined,
      raw: data,
      body,
      bodyLine,
      keyLines,
      problems: [{ line: 1, field: 'frontmatter', message: `is empty; expected the fields ${listFields(required)}` }],
    }
  }
  const problems = findProblems(schema, data).map(({ field, message }): LineProblem => {
    if (field === '(root)') return { line: 2, field: 'frontmatter', message: `${message}: write one "key: value" per line` }
    // A missing key has no line of its own: point at the opening "---", where the block starts.
    return { line: lineOfPath(document, field.split('.'), lineOfOffset) ?? 1, field, message }
  })
  problems.sort((a, b) => (a.line ?? 0) - (b.line ?? 0))
  return { data: undefined, raw: data, body, bodyLine, keyLines, problems }
}
