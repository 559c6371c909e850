/**
 * Does an exercise's seed.sql load into a real database, and if not, on which line does it
 * break? SQLite runs a script statement by statement and stops at the first error without
 * saying where, so the line is found by loading ever shorter prefixes of the script (a binary
 * search: a handful of loads): the shortest prefix that fails with the same message ends on the
 * line of the offending token (syntax errors, reported there) or of the statement's end; other
 * errors ("no such table", a missing column) are reported at the statement's first line.
 * Uses the same database pool as learner sessions, so what loads here loads for them.
 */
import type { DbPool } from '../capabilities/db/index.ts'
import { SqlError } from '../capabilities/db/index.ts'
import type { LineProblem } from './problems.ts'

let probes = 0

/** Loads `sql` into a throwaway database: undefined when it loads, else the error. */
async function tryLoad(db: DbPool, sql: string): Promise<Error | undefined> {
  const dbId = `lessons-check-seed-${process.pid}-${++probes}`
  try {
    await db.open(dbId, { seedSql: sql })
  } catch (error) {
    return error as Error
  }
  await db.close(dbId)
  return undefined
}

/**
 * Undefined when `seedSql` loads; otherwise the problem, with its line when it can be found.
 *
 * @example
 * const problem = await findSeedProblem(createDbPool(), 'CREATE TABLE notes (id INTEGER);\nINSERT INTO nope VALUES (1);')
 * // { line: 2, field: 'sql', message: 'no such table: nope (SQLITE_ERROR)' }
 */
export async function findSeedProblem(db: DbPool, seedSql: string): Promise<LineProblem | undefined> {
  const error = await tryLoad(db, seedSql)
  if (!error) return undefined
  // Only SQL errors are worth searching for: a timeout would cost a second per probe.
  if (!(error instanceof SqlError)) return { field: 'sql', message: error.message }
  const lines = seedSql.split('\n')
  let [low, high] = [1, lines.length]
  while (low < high) {
    const middle = Math.floor((low + high) / 2)
    const prefixError = await tryLoad(db, lines.slice(0, middle).join('\n'))
    if (prefixError?.message === error.message) high = middle
    else low = middle + 1
  }
  // A syntax error is at its token; anything else (a missing column) belongs to the statement.
  const atToken = /syntax error|unrecognized token|incomplete input/.test(error.message)
  return { line: atToken ? high : statementStartLine(seedSql, lines.slice(0, high).join('\n').length), field: 'sql', message: error.message }
}

/**
 * The line where the statement that ends before `end` (an offset) begins: after the last `;`
 * before its last token, past blanks and comments; quotes and comments are skipped, so a `;`
 * inside them does not count.
 */
export function statementStartLine(sql: string, end: number): number {
  const tokens: number[] = []
  const semicolons: number[] = []
  for (let at = 0; at < end; at++) {
    const char = sql[at]!
    if (/\s/.test(char)) continue
    if (sql.startsWith('--', at)) {
      at = sql.indexOf('\n', at) >>> 0
    } else if (sql.startsWith('/*', at)) {
      const close = sql.indexOf('*/', at + 2)
      at = close < 0 ? end : close + 1
    } else {
      tokens.push(at)
      if (char === ';') semicolons.push(at)
      const close = { "'": "'", '"': '"', '`': '`', '[': ']' }[char]
      if (close) {
        const closing = sql.indexOf(close, at + 1)
        at = closing < 0 ? end : closing
      }
    }
  }
  const last = tokens.at(-1) ?? 0
  const before = semicolons.filter((at) => at < last).at(-1) ?? -1
  const first = tokens.find((at) => at > before) ?? 0
  return sql.slice(0, first).split('\n').length
}
