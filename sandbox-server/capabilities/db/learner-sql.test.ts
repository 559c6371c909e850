/**
 * The learner-SQL gate on its own: which statement texts may reach SQLite's prepare.
 * (The pool tests in db.test.ts show the same rules end to end.)
 */
import { describe, expect, it } from 'vitest'
import { SqlError } from './errors.ts'
import { findRefusal, normalizeParams } from './learner-sql.ts'

describe('findRefusal', () => {
  it.each([
    'SELECT * FROM users',
    '  select 1',
    ';; -- a comment\n/* another */ SELECT 1',
    'WITH x AS (SELECT 1) SELECT * FROM x',
    'VALUES (1), (2)',
    'INSERT INTO t VALUES (1)',
    'REPLACE INTO t VALUES (1)',
    'UPDATE t SET a = 1',
    'DELETE FROM t',
    'CREATE TABLE t (a)',
    'CREATE TEMP TABLE t (a)',
    'DROP TABLE t',
    'ALTER TABLE t ADD COLUMN b',
    'BEGIN',
    'COMMIT',
    'END',
    'ROLLBACK',
    'SAVEPOINT a',
    'RELEASE a',
    'ANALYZE',
    'REINDEX',
    'EXPLAIN SELECT 1',
    'EXPLAIN QUERY PLAN SELECT * FROM t',
    'PRAGMA table_info(users)',
    'PRAGMA main.table_xinfo("users")',
    'PRAGMA index_list(users)',
    'PRAGMA index_info(idx)',
    'PRAGMA foreign_key_list(posts)',
    'PRAGMA foreign_keys',
    'PRAGMA foreign_keys;',
    'pragma "table_info" = users',
    "SELECT name FROM pragma_table_info('users')",
    '',
  ])('lets %j through', (sql) => {
    expect(findRefusal(sql)).toBeUndefined()
  })

  it.each([
    ["ATTACH 'escape.db' AS x", /ATTACH is not available/],
    ["attach database ':memory:' as x", /ATTACH is not available/],
    ["/* */ ATTACH 'escape.db' AS x", /ATTACH is not available/],
    ["EXPLAIN ATTACH 'escape.db' AS x", /ATTACH is not available/],
    ['DETACH x', /DETACH is not available/],
    ['VACUUM', /VACUUM is not available/],
    ["VACUUM INTO 'escape.db'", /VACUUM is not available/],
    ['PRAGMA foreign_keys = OFF', /PRAGMA foreign_keys can only be read/],
    ['PRAGMA foreign_keys(0)', /PRAGMA foreign_keys can only be read/],
    ["PRAGMA 'foreign_keys' = 0", /PRAGMA foreign_keys can only be read/],
    ['PRAGMA [foreign_keys] -- x\n = 0', /PRAGMA foreign_keys can only be read/],
    ['PRAGMA foreign_keys; PRAGMA foreign_keys = OFF', /PRAGMA foreign_keys can only be read/],
    ['EXPLAIN PRAGMA foreign_keys = OFF', /PRAGMA foreign_keys can only be read/],
    ['EXPLAIN QUERY PLAN PRAGMA writable_schema = ON', /PRAGMA writable_schema is not available/],
    ['PRAGMA max_page_count = 99999999', /PRAGMA max_page_count is not available/],
    ['PRAGMA temp.max_page_count = 99999999', /PRAGMA max_page_count is not available/],
    ['PRAGMA cache_size = -1000000', /PRAGMA cache_size is not available/],
    ['PRAGMA', /PRAGMA is not available/],
    // The Kelvin sign lower-cases to "k" in JavaScript but not in SQLite.
    ['PRAGMA foreign_\u212Aeys = OFF', /is not available/],
    ['\u017Felect 1', /does not start an SQL statement/],
    ['SELEC * FROM users', /"SELEC" does not start an SQL statement/],
    ['(SELECT 1)', /does not start like an SQL statement/],
    ['\vATTACH x', /does not start like an SQL statement/],
    ['EXPLAIN EXPLAIN SELECT 1', /"EXPLAIN" does not start/],
    // The table-valued form reads what the statement would: a host path, for one.
    ['SELECT * FROM pragma_database_list', /pragma_database_list is not available/],
    ['SELECT * FROM main."PRAGMA_compile_options"', /pragma_compile_options is not available/],
    ['WITH x AS (SELECT 1) SELECT * FROM x, pragma_journal_mode', /pragma_journal_mode is not available/],
  ])('refuses %j', (sql, message) => {
    expect(findRefusal(sql)).toMatch(message)
  })
})

describe('normalizeParams', () => {
  it('passes arrays through and takes the prefix off named keys', () => {
    const bytes = new Uint8Array([1])
    expect(normalizeParams([1, 'a', null, 2n, bytes])).toEqual([1, 'a', null, 2n, bytes])
    expect(normalizeParams({ ':a': 1, '@b': 2, $c: 3, d: 4 })).toEqual({ a: 1, b: 2, c: 3, d: 4 })
    expect(normalizeParams(undefined)).toBeUndefined()
  })

  it('says which parameter SQLite cannot bind and what to use instead', () => {
    expect(() => normalizeParams([1, undefined])).toThrow(/parameter 2 is undefined \(use null for NULL\)/)
    expect(() => normalizeParams({ tags: ['a'] })).toThrow(/parameter tags is an array \(use JSON.stringify for JSON\)/)
    expect(() => normalizeParams(5)).toThrow(SqlError)
    expect(() => normalizeParams(5)).toThrow(/must be an array for \? placeholders or an object for :name/)
  })
})
