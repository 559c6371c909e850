/**
 * Decides, from its text alone, whether a learner's SQL statement may reach SQLite, and checks
 * the values bound to it.
 *
 * Why from the text: SQLite applies some PRAGMAs while *preparing* (measured: preparing
 * `EXPLAIN PRAGMA foreign_keys=OFF`, or `PRAGMA foreign_keys=OFF; SELECT 1` which
 * better-sqlite3 then rejects as two statements, still turned foreign keys off). So the
 * check must come before `prepare`, and only the first statement matters: `prepare` compiles
 * the first one and refuses the text if anything follows.
 *
 * It works as an allow-list of SQLite's statement keywords: whatever it cannot read with
 * certainty is refused, never passed on. It must never let ATTACH, DETACH, VACUUM or a PRAGMA
 * outside READ_ONLY_PRAGMAS through (they create host files or lift the limits).
 */
import { SqlError } from './errors.ts'
import type { WireParams, WireValue } from './protocol.ts'

/** PRAGMAs a learner may run: they only describe the schema. */
export const READ_ONLY_PRAGMAS: readonly string[] = ['table_info', 'table_xinfo', 'index_list', 'index_info', 'foreign_key_list', 'foreign_keys']

/** PRAGMAs that are read-only only without a value (`PRAGMA foreign_keys`, not `= OFF`). */
const VALUE_FREE_PRAGMAS = new Set(['foreign_keys'])

const ALLOWED_STATEMENTS = new Set([
  'SELECT',
  'VALUES',
  'WITH',
  'INSERT',
  'REPLACE',
  'UPDATE',
  'DELETE',
  'CREATE',
  'DROP',
  'ALTER',
  'BEGIN',
  'COMMIT',
  'END',
  'ROLLBACK',
  'SAVEPOINT',
  'RELEASE',
  'ANALYZE',
  'REINDEX',
])

const REFUSED_STATEMENTS: Record<string, string> = {
  ATTACH: 'ATTACH is not available in the sandbox: each session has exactly one database',
  DETACH: 'DETACH is not available in the sandbox: each session has exactly one database',
  VACUUM: 'VACUUM is not available in the sandbox: its databases are small and need no compacting',
}

/** SQLite's whitespace (tokenize.c): \v and other Unicode spaces are not. */
const SPACE = new Set([' ', '\t', '\n', '\f', '\r'])
const IDENTIFIER_CHAR = /[A-Za-z0-9_$\u0080-\uffff]/

/**
 * SQLite compares keywords and PRAGMA names in ASCII only; `toUpperCase` would turn the
 * Kelvin sign into K or the long s into S and so read a word SQLite does not.
 */
function asciiUpper(word: string): string {
  return word.replace(/[a-z]/g, (char) => String.fromCharCode(char.charCodeAt(0) - 32))
}

function asciiLower(word: string): string {
  return word.replace(/[A-Z]/g, (char) => String.fromCharCode(char.charCodeAt(0) + 32))
}

/** Reads SQL tokens the way SQLite's tokenizer does, as far as this check needs. */
class SqlReader {
  position = 0
  constructor(readonly text: string) {}

  /** Skips whitespace and comments (and `;` when `semicolons`); an unterminated comment runs to the end of the text, as in SQLite. */
  skipSpace(semicolons = false): void {
    const { text } = this
    while (this.position < text.length) {
      const char = text[this.position]!
      if (SPACE.has(char) || (semicolons && char === ';')) {
        this.position++
      } else if (text.startsWith('--', this.position)) {
        const end = text.indexOf('\n', this.position)
        this.position = end === -1 ? text.length : end + 1
      } else if (text.startsWith('/*', this.position)) {
        const end = text.indexOf('*/', this.position + 2)
        this.position = end === -1 ? text.length : end + 2
      } else {
        return
      }
    }
  }

  atEnd(): boolean {
    this.skipSpace(true)
    return this.position >= this.text.length
  }

  /** A bare word (keyword or identifier), or undefined when the next token is not one. */
  word(): string | undefined {
    this.skipSpace()
    const start = this.position
    while (this.position < this.text.length && IDENTIFIER_CHAR.test(this.text[this.position]!)) this.position++
    return this.position > start ? this.text.slice(start, this.position) : undefined
  }

  /** A name as SQLite accepts it after PRAGMA: bare, "quoted", [bracketed], `ticked` or 'string'. */
  name(): string | undefined {
    this.skipSpace()
    const open = this.text[this.position]
    const close = open === '[' ? ']' : open
    if (open === '"' || open === '`' || open === "'" || open === '[') {
      let value = ''
      let index = this.position + 1
      while (index < this.text.length) {
        const char = this.text[index]!
        if (char === close) {
          if (close !== ']' && this.text[index + 1] === close) {
            value += close
            index += 2
            continue
          }
          this.position = index + 1
          return value
        }
        value += char
        index++
      }
      return undefined
    }
    return this.word()
  }

  peek(): string | undefined {
    this.skipSpace()
    return this.text[this.position]
  }
}

/**
 * Returns why a learner statement is refused, or undefined when it may be prepared.
 *
 * @example
 * findRefusal('ATTACH DATABASE "escape.db" AS x') // 'ATTACH is not available in the sandbox: ...'
 * findRefusal('SELECT * FROM users')            // undefined
 */
export function findRefusal(sql: string): string | undefined {
  // The table-valued form of a PRAGMA (`SELECT * FROM pragma_database_list`) reads what the
  // statement form would: the same list applies, wherever the name appears (a string that
  // merely contains such a name is refused too: rare, and never wrong to refuse).
  for (const [, name] of sql.matchAll(/pragma_(\w+)/gi)) {
    if (!READ_ONLY_PRAGMAS.includes(asciiLower(name!))) {
      return `pragma_${name} is not available in the sandbox; only these read-only PRAGMAs are: ${READ_ONLY_PRAGMAS.join(', ')}`
    }
  }
  const reader = new SqlReader(sql)
  reader.skipSpace(true)
  if (reader.position >= sql.length) return undefined // prepare says "empty" in its own words
  let keyword: string | undefined = asciiUpper(reader.word() ?? '')
  if (keyword === 'EXPLAIN') {
    // EXPLAIN still prepares its statement (and so applies its PRAGMA): check what it explains.
    const saved = reader.position
    if (asciiUpper(reader.word() ?? '') === 'QUERY' && asciiUpper(reader.word() ?? '') === 'PLAN') {
      keyword = asciiUpper(reader.word() ?? '')
    } else {
      reader.position = saved
      keyword = asciiUpper(reader.word() ?? '')
    }
  }
  if (!keyword) {
    return (
      `this does not start like an SQL statement (near "${sql.slice(reader.position, reader.position + 12)}"); ` +
      'a statement starts with a keyword such as SELECT, INSERT, UPDATE, DELETE or CREATE'
    )
  }
  if (Object.hasOwn(REFUSED_STATEMENTS, keyword)) return REFUSED_STATEMENTS[keyword]
  if (keyword === 'PRAGMA') return findPragmaRefusal(reader)
  if (ALLOWED_STATEMENTS.has(keyword)) return undefined
  return (
    `"${keyword}" does not start an SQL statement SQLite knows (syntax error?); ` +
    'a statement starts with a keyword such as SELECT, INSERT, UPDATE, DELETE or CREATE'
  )
}

function findPragmaRefusal(reader: SqlReader): string | undefined {
  let name = reader.name()
  if (name !== undefined && reader.peek() === '.') {
    reader.position++
    name = reader.name()
  }
  const pragma = name === undefined ? undefined : asciiLower(name)
  const allowed = `only these read-only PRAGMAs are: ${READ_ONLY_PRAGMAS.join(', ')}`
  if (pragma === undefined || !READ_ONLY_PRAGMAS.includes(pragma)) {
    return `PRAGMA ${name ?? ''} is not available in the sandbox; ${allowed}`.replace('  ', ' ')
  }
  if (VALUE_FREE_PRAGMAS.has(pragma) && !reader.atEnd()) {
    return `PRAGMA ${pragma} can only be read in the sandbox (it is always ON); ${allowed}`
  }
  return undefined
}

/**
 * The longest statement learner code may send. SQLite keeps a prepared statement's text and
 * plan in the database process, so long statements cost memory there, not in the isolate.
 */
export const MAX_LEARNER_SQL_LENGTH = 16 * 1024

/**
 * Throws a learner-readable SqlError when the statement is refused.
 *
 * @example
 * assertLearnerStatement('PRAGMA writable_schema = ON') // throws SqlError(SANDBOX_REFUSED)
 */
export function assertLearnerStatement(sql: unknown): asserts sql is string {
  if (typeof sql !== 'string') throw new SqlError(`the SQL must be a string, not ${describe(sql)}`, 'SANDBOX_BAD_ARGUMENT')
  if (sql.length > MAX_LEARNER_SQL_LENGTH) {
    throw new SqlError(
      `the statement is ${sql.length} characters long; the sandbox takes at most ${MAX_LEARNER_SQL_LENGTH}: pass values as ? parameters instead of writing them into the SQL`,
      'SANDBOX_SQL_TOO_LONG',
    )
  }
  const refusal = findRefusal(sql)
  if (refusal !== undefined) throw new SqlError(refusal, 'SANDBOX_REFUSED')
}

/**
 * Checks bound parameters and returns them in the form better-sqlite3 binds: an array as is,
 * an object with any leading `:`, `@` or `$` taken off its keys.
 *
 * @example
 * normalizeParams({ ':name': 'Ada' }) // { name: 'Ada' }
 * normalizeParams([true])             // throws: parameter 1 is a boolean (use 1 or 0)
 */
export function normalizeParams(params: unknown): WireParams | undefined {
  if (params === undefined || params === null) return undefined
  if (Array.isArray(params)) {
    params.forEach((value, index) => checkValue(value, `parameter ${index + 1}`))
    return params as WireValue[]
  }
  if (isPlainObject(params)) {
    const named: Record<string, WireValue> = {}
    for (const [key, value] of Object.entries(params)) {
      checkValue(value, `parameter ${key}`)
      named[key.replace(/^[:@$]/, '')] = value as WireValue
    }
    return named
  }
  throw new SqlError(
    `parameters must be an array for ? placeholders or an object for :name placeholders, not ${describe(params)}`,
    'SANDBOX_BAD_PARAMETER',
  )
}

function checkValue(value: unknown, label: string): void {
  if (value === null || typeof value === 'number' || typeof value === 'bigint' || typeof value === 'string' || value instanceof Uint8Array) {
    return
  }
  const advice =
    typeof value === 'boolean'
      ? ' (use 1 or 0)'
      : value instanceof Date
        ? ' (use date.toISOString())'
        : value === undefined
          ? ' (use null for NULL)'
          : typeof value === 'object'
            ? ' (use JSON.stringify for JSON)'
            : ''
  throw new SqlError(
    `${label} is ${describe(value)}${advice}; SQL values can be null, a number, a bigint, a string or a Uint8Array`,
    'SANDBOX_BAD_PARAMETER',
  )
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false
  const prototype = Object.getPrototypeOf(value)
  return prototype === Object.prototype || prototype === null
}

function describe(value: unknown): string {
  if (value === null) return 'null'
  if (value === undefined) return 'undefined'
  if (value instanceof Date) return 'a Date'
  if (Array.isArray(value)) return 'an array'
  const type = typeof value
  return type === 'object' ? 'an object' : `a ${type}`
}
