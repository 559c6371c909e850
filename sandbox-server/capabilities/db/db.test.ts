/**
 * The database capability as a specification: real child processes, real SQLite, no mocks.
 * Nothing here sleeps or times: tests await the pool, and the runaway test checks that a timer
 * fires and another child answers while the runaway runs (the bench measures how fast).
 */
import { spawn } from 'node:child_process'
import { existsSync, readFileSync, readdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { DatabaseCrashedError, DbPoolDisposedError, SqlError, SqlTimeoutError, UnknownDatabaseError, createDbPool, type DbPool } from './index.ts'

const SEED = `
  CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL, email TEXT UNIQUE);
  CREATE TABLE posts (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id),
    title TEXT NOT NULL
  );
  INSERT INTO users (name, email) VALUES ('Ada', 'ada@example.org'), ('Grace', 'grace@example.org');
  INSERT INTO posts (user_id, title) VALUES (1, 'Notes'), (2, 'Compilers');
`

/** About 3 MB: 3000 rows of 1000 deterministic bytes each. */
const BIG_SEED = `CREATE TABLE chunks (n INTEGER PRIMARY KEY, body BLOB);
  INSERT INTO chunks SELECT x, CAST(printf('%.1000c', char(65 + x % 26)) AS BLOB)
  FROM (WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x+1 FROM c LIMIT 3000) SELECT x FROM c);`
const BIG_CHECK = 'SELECT count(*) AS n, sum(length(body)) AS bytes, sum(unicode(substr(body, 500, 1))) AS letters FROM chunks'
const BIG_EXPECTED = { n: 3000, bytes: 3_000_000, letters: Array.from({ length: 3000 }, (_, i) => 65 + ((i + 1) % 26)).reduce((a, b) => a + b) }

const RUNAWAY = 'WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x+1 FROM c) SELECT count(*) FROM c'

let nextId = 0
/** A fresh database id per test so tests never share state. */
function newId(label: string): string {
  return `${label}-${++nextId}`
}

/** State and parent of a process from Linux /proc, or undefined once it is gone. */
function processStatus(pid: number | string): { state: string; parent: number } | undefined {
  try {
    // The name field may hold spaces and parentheses: the fields after the last ')' are fixed.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    const [state, parent] = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    return { state: state!, parent: Number(parent) }
  } catch {
    return undefined
  }
}

/** The pids of a process's children, to crash one from outside. */
function childPids(parent = process.pid): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry) && processStatus(entry)?.parent === parent)
    .map(Number)
}

/** Gone, or a zombie nobody has reaped yet: either way it runs no more. */
function isGone(pid: number): boolean {
  const status = processStatus(pid)
  return status === undefined || status.state === 'Z'
}

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise
  } catch (error) {
    return error as Error
  }
  throw new Error('expected the call to reject')
}

describe('database pool', () => {
  let pool: DbPool

  beforeAll(() => {
    pool = createDbPool({ processes: 2, statementTimeoutMs: 1000 })
  })

  afterAll(async () => {
    await pool.dispose()
  })

  describe('learner statements', () => {
    it('creates, reads, updates and deletes rows with bound parameters', async () => {
      const id = newId('crud')
      await pool.open(id, { seedSql: SEED })

      const inserted = await pool.run(id, 'INSERT INTO users (name, email) VALUES (?, ?)', ['Linus', 'linus@example.org'])
      expect(inserted).toEqual({ changes: 1, lastInsertRowid: 3 })

      expect(await pool.get(id, 'SELECT id, name FROM users WHERE email = ?', ['linus@example.org'])).toEqual({
        id: 3,
        name: 'Linus',
      })
      expect(await pool.get(id, 'SELECT * FROM users WHERE id = ?', [99])).toBeUndefined()

      expect(await pool.run(id, 'UPDATE users SET name = ? WHERE id = ?', ['Linus T.', 3])).toEqual({
        changes: 1,
        lastInsertRowid: 3,
      })
      expect(await pool.run(id, 'DELETE FROM users WHERE id = ?', [3])).toMatchObject({ changes: 1 })
      expect(await pool.all(id, 'SELECT name FROM users ORDER BY id')).toEqual([{ name: 'Ada' }, { name: 'Grace' }])
    })

    it('binds named parameters written :name, @name or $name, with or without the prefix in the key', async () => {
      const id = newId('named')
      await pool.open(id, { seedSql: SEED })
      expect(await pool.get(id, 'SELECT name FROM users WHERE email = :email', { email: 'ada@example.org' })).toEqual({
        name: 'Ada',
      })
      expect(await pool.get(id, 'SELECT name FROM users WHERE id = @id', { '@id': 2 })).toEqual({ name: 'Grace' })
      await pool.run(id, 'INSERT INTO users (name, email) VALUES ($name, $email)', {
        $name: 'Edsger',
        email: 'ed@example.org',
      })
      expect(await pool.get(id, 'SELECT count(*) AS n FROM users')).toEqual({ n: 3 })
    })

    it('commits and rolls back transactions', async () => {
      const id = newId('tx')
      await pool.open(id, { seedSql: SEED })

      await pool.begin(id)
      await pool.run(id, 'INSERT INTO users (name) VALUES (?)', ['Kept'])
      await pool.commit(id)

      await pool.begin(id)
      await pool.run(id, 'INSERT INTO users (name) VALUES (?)', ['Dropped'])
      expect(await pool.get(id, 'SELECT count(*) AS n FROM users')).toEqual({ n: 4 })
      await pool.rollback(id)

      expect(await pool.all(id, 'SELECT name FROM users WHERE id > 2')).toEqual([{ name: 'Kept' }])
      const error = await rejection(pool.commit(id))
      expect(error).toBeInstanceOf(SqlError)
      expect(error.message).toMatch(/no transaction is active/)
    })

    it('fails the statement a check names, after the matches it skips, once (fault injection)', async () => {
      const id = newId('fault')
      await pool.open(id, { seedSql: SEED })
      pool.failStatement(id, { matching: 'insert  INTO users', skip: 1 })
      await pool.run(id, 'SELECT 1')
      await pool.run(id, 'INSERT INTO users (name) VALUES (?)', ['Skipped'])
      const error = await rejection(pool.run(id, 'insert into\n  users (name) VALUES (?)', ['Failed']))
      expect(error).toBeInstanceOf(SqlError)
      expect(error.message).toMatch(/failed on purpose.*\(SANDBOX_INJECTED_FAULT\)$/)
      await pool.run(id, 'INSERT INTO users (name) VALUES (?)', ['After'])
      expect(await pool.all(id, 'SELECT name FROM users WHERE id > 2')).toEqual([{ name: 'Skipped' }, { name: 'After' }])
    })

    it('runs a statement of the check just before the one it names, once, and not inside a transaction (a race made certain)', async () => {
      const id = newId('interleave')
      await pool.open(id, { seedSql: SEED })
      pool.interleave(id, { before: 'insert into USERS', sql: 'INSERT INTO users (name, email) VALUES (?, ?)', params: ['Other', 'zoe@example.com'] })
      // A sign-up that looked first: the address was free when it asked.
      expect(await pool.get(id, 'SELECT id FROM users WHERE email = ?', ['zoe@example.com'])).toBeUndefined()
      const error = await rejection(pool.run(id, 'INSERT INTO users (name, email) VALUES (?, ?)', ['Zoe', 'zoe@example.com']))
      expect(error.message).toMatch(/UNIQUE constraint failed: users.email/)
      await pool.run(id, 'INSERT INTO users (name, email) VALUES (?, ?)', ['Yan', 'yan@example.com'])
      expect(await pool.all(id, 'SELECT name FROM users WHERE id > 2')).toEqual([{ name: 'Other' }, { name: 'Yan' }])

      pool.interleave(id, { before: 'INSERT INTO users', sql: "INSERT INTO users (name) VALUES ('Between')" })
      await pool.begin(id)
      await pool.run(id, "INSERT INTO users (name) VALUES ('Inside')")
      await pool.commit(id)
      expect(await pool.all(id, 'SELECT name FROM users WHERE id > 4')).toEqual([{ name: 'Inside' }])
    })

    it('logs the SQL text of learner statements, not of trusted queries', async () => {
      const id = newId('log')
      await pool.open(id, { seedSql: SEED })
      await pool.get(id, "SELECT id FROM users WHERE name = 'Ada'")
      await pool.run(id, 'INSERT INTO users (name) VALUES (?)', ['Bound'])
      await pool.query(id, 'SELECT count(*) FROM users')
      expect(pool.statementLog(id)).toEqual({
        total: 2,
        recent: ["SELECT id FROM users WHERE name = 'Ada'", 'INSERT INTO users (name) VALUES (?)'],
      })
    })

    it('enforces foreign keys', async () => {
      const id = newId('fk')
      await pool.open(id, { seedSql: SEED })
      const error = await rejection(pool.run(id, 'INSERT INTO posts (user_id, title) VALUES (?, ?)', [42, 'Orphan']))
      expect(error).toBeInstanceOf(SqlError)
      expect((error as SqlError).code).toBe('SQLITE_CONSTRAINT_FOREIGNKEY')
      expect(error.message).toBe('FOREIGN KEY constraint failed (SQLITE_CONSTRAINT_FOREIGNKEY)')
      expect(await pool.get(id, 'PRAGMA foreign_keys')).toEqual({ foreign_keys: 1 })
    })

    it('reports SQLite errors in learner words with their code, and no host path or stack', async () => {
      const id = newId('errors')
      await pool.open(id, { seedSql: SEED })
      const error = await rejection(pool.get(id, 'SELECT * FROM nope'))
      expect(error).toBeInstanceOf(SqlError)
      expect(error.message).toBe('no such table: nope (SQLITE_ERROR)')
      expect(error.message).not.toMatch(/\/work|node_modules|\n\s+at /)

      const unique = await rejection(pool.run(id, 'INSERT INTO users (name, email) VALUES (?, ?)', ['A', 'ada@example.org']))
      expect((unique as SqlError).code).toBe('SQLITE_CONSTRAINT_UNIQUE')

      const tooFew = await rejection(pool.get(id, 'SELECT * FROM users WHERE id = ? AND name = ?', [1]))
      expect(tooFew).toBeInstanceOf(SqlError)
      expect(tooFew.message).toMatch(/Too few parameter values/)
    })

    it('refuses parameters SQLite cannot bind, saying what to use instead', async () => {
      const id = newId('params')
      await pool.open(id, { seedSql: SEED })
      const error = await rejection(pool.get(id, 'SELECT ? AS v', [true as never]))
      expect(error).toBeInstanceOf(SqlError)
      expect(error.message).toMatch(/parameter 1 is a boolean \(use 1 or 0\)/)
      const date = await rejection(pool.get(id, 'SELECT :at AS v', { at: new Date() as never }))
      expect(date.message).toMatch(/parameter at is a Date \(use date.toISOString\(\)\)/)
    })

    it('round-trips null, numbers, bigints, text and BLOBs (as plain Uint8Array)', async () => {
      const id = newId('values')
      await pool.open(id, { seedSql: 'CREATE TABLE v (n, i, big, t, b)' })
      const bytes = new Uint8Array([0, 1, 2, 255])
      await pool.run(id, 'INSERT INTO v VALUES (?, ?, ?, ?, ?)', [null, 42, 2n ** 62n, 'héllo', bytes])
      await pool.run(id, 'INSERT INTO v (b) VALUES (?)', [Buffer.from('buffer')])
      const [row, second] = await pool.all(id, 'SELECT * FROM v ORDER BY rowid')
      expect(row).toEqual({ n: null, i: 42, big: 2n ** 62n, t: 'héllo', b: bytes })
      expect(Object.getPrototypeOf(row!.b)).toBe(Uint8Array.prototype)
      expect(new TextDecoder().decode(second!.b as Uint8Array)).toBe('buffer')
      expect(await pool.get(id, 'SELECT 1.5 AS f, 9007199254740991 AS max')).toEqual({ f: 1.5, max: Number.MAX_SAFE_INTEGER })
    })

    it('sees schema changes in a statement it ran before', async () => {
      const id = newId('schema')
      await pool.open(id, { seedSql: 'CREATE TABLE t (a); INSERT INTO t VALUES (1)' })
      expect(await pool.get(id, 'SELECT * FROM t')).toEqual({ a: 1 })
      await pool.run(id, "ALTER TABLE t ADD COLUMN b DEFAULT 'x'")
      expect(await pool.get(id, 'SELECT * FROM t')).toEqual({ a: 1, b: 'x' })
      await pool.run(id, 'DROP TABLE t')
      await pool.run(id, 'CREATE TABLE t (z)')
      expect(await pool.get(id, 'SELECT * FROM t')).toBeUndefined()
    })

    it('fails an all() that would return more rows than the limit', async () => {
      const id = newId('rows-limit')
      await pool.open(id)
      const error = await rejection(pool.all(id, 'WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x+1 FROM c LIMIT 6000) SELECT x FROM c'))
      expect(error.message).toMatch(/more than 5000 rows .*add a LIMIT/)
      expect(await pool.all(id, 'WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x+1 FROM c LIMIT 5000) SELECT x FROM c')).toHaveLength(5000)
    })
  })

  describe('learner SQL stays in its database', () => {
    it('runs one statement at a time and never runs the rest', async () => {
      const id = newId('multi')
      await pool.open(id, { seedSql: SEED })
      const error = await rejection(pool.run(id, 'SELECT 1; DROP TABLE users'))
      expect(error).toBeInstanceOf(SqlError)
      expect(error.message).toMatch(/one SQL statement at a time/)
      expect(await pool.get(id, 'SELECT count(*) AS n FROM users')).toEqual({ n: 2 })
      // Only the first statement is ever prepared, so a PRAGMA after it never takes effect.
      expect((await rejection(pool.run(id, 'SELECT 1; PRAGMA foreign_keys = OFF'))).message).toMatch(/one SQL statement/)
      expect(await pool.get(id, 'PRAGMA foreign_keys')).toEqual({ foreign_keys: 1 })
    })

    it('refuses ATTACH and creates no file', async () => {
      const id = newId('attach')
      await pool.open(id)
      const path = join(tmpdir(), `sandbox-attach-${process.pid}-${Date.now()}.db`)
      for (const sql of [
        `ATTACH '${path}' AS x`,
        `attach database '${path}' as x`,
        `/* hi */ -- there\n  ATTACH '${path}' AS x`,
        `;ATTACH '${path}' AS x`,
        `EXPLAIN ATTACH '${path}' AS x`,
        `ATTACH ':memory:' AS x`,
      ]) {
        const error = await rejection(pool.run(id, sql))
        expect(error, sql).toBeInstanceOf(SqlError)
        expect(error.message).toMatch(/ATTACH is not available in the sandbox/)
      }
      expect(existsSync(path)).toBe(false)
      expect((await rejection(pool.run(id, 'DETACH x'))).message).toMatch(/DETACH is not available/)
    })

    it('refuses VACUUM INTO and creates no file', async () => {
      const id = newId('vacuum')
      await pool.open(id, { seedSql: SEED })
      const path = join(tmpdir(), `sandbox-vacuum-${process.pid}-${Date.now()}.db`)
      const error = await rejection(pool.run(id, `VACUUM INTO '${path}'`))
      expect(error).toBeInstanceOf(SqlError)
      expect(error.message).toMatch(/VACUUM is not available in the sandbox/)
      expect(existsSync(path)).toBe(false)
    })

    it('refuses PRAGMAs that write, even hidden behind EXPLAIN, quotes or a second statement', async () => {
      const id = newId('pragma')
      await pool.open(id, { seedSql: SEED })
      for (const sql of [
        'PRAGMA foreign_keys = OFF',
        'PRAGMA "foreign_keys" = OFF',
        'PRAGMA main.foreign_keys /* c */ = 0',
        'EXPLAIN PRAGMA foreign_keys = OFF',
        'PRAGMA foreign_keys = OFF; SELECT 1',
        'PRAGMA writable_schema = ON',
        'PRAGMA max_page_count = 1000000',
        'PRAGMA journal_mode = WAL',
      ]) {
        const error = await rejection(pool.run(id, sql))
        expect(error, sql).toBeInstanceOf(SqlError)
        expect(error.message, sql).toMatch(/only these read-only PRAGMAs are: table_info/)
        expect((error as SqlError).code).toBe('SANDBOX_REFUSED')
      }
      // None of them reached SQLite, not even to be prepared.
      expect(await pool.get(id, 'PRAGMA foreign_keys')).toEqual({ foreign_keys: 1 })
    })

    it('answers the read-only PRAGMAs and EXPLAIN QUERY PLAN', async () => {
      const id = newId('pragma-read')
      await pool.open(id, { seedSql: SEED })
      const columns = await pool.all(id, 'PRAGMA table_info(users)')
      expect(columns.map((column) => column.name)).toEqual(['id', 'name', 'email'])
      expect(await pool.all(id, 'PRAGMA foreign_key_list(posts)')).toMatchObject([{ table: 'users', from: 'user_id' }])
      const plan = await pool.all(id, 'EXPLAIN QUERY PLAN SELECT * FROM users WHERE id = ?', [1])
      expect(String(plan[0]!.detail)).toMatch(/SEARCH users USING INTEGER PRIMARY KEY/)
    })

    it('stops a database at its page limit with a clear error, TEMP tables included', async () => {
      const small = createDbPool({ processes: 1, maxPageCount: 64 })
      try {
        const id = newId('full')
        await small.open(id, { seedSql: 'CREATE TABLE blobs (b BLOB)' })
        const error = await rejection(
          small.run(
            id,
            'INSERT INTO blobs SELECT randomblob(1000) FROM (WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x+1 FROM c LIMIT 1000) SELECT x FROM c)',
          ),
        )
        expect(error).toBeInstanceOf(SqlError)
        expect((error as SqlError).code).toBe('SQLITE_FULL')
        expect(error.message).toMatch(/^database is full: .*limit of 256 KiB \(64 pages\)/)
        expect(await small.sizeBytes(id)).toBeLessThanOrEqual(64 * 4096)

        await small.run(id, 'CREATE TEMP TABLE scratch (b BLOB)')
        const temp = await rejection(
          small.run(
            id,
            'INSERT INTO scratch SELECT randomblob(1000) FROM (WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x+1 FROM c LIMIT 1000) SELECT x FROM c)',
          ),
        )
        expect(temp.message).toMatch(/^database is full/)
      } finally {
        await small.dispose()
      }
    })
    it('gives back the memory of a result it refused for its size (rows are built before they can be measured)', async () => {
      const childrenNow = () =>
        new Set(
          readdirSync(`/proc/${process.pid}/task`).flatMap((task) =>
            readFileSync(`/proc/${process.pid}/task/${task}/children`, 'utf8').split(' ').filter(Boolean),
          ),
        )
      const before = childrenNow()
      const sized = createDbPool({ processes: 1 })
      try {
        const id = newId('refused-size')
        await sized.open(id, { seedSql: SEED })
        const [child] = [...childrenNow()].filter((pid) => !before.has(pid))
        const rssMb = () => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${child}/status`, 'utf8'))![1]) / 1024
        const error = await rejection(
          sized.all(
            id,
            'SELECT zeroblob(1000000) AS b FROM (WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x+1 FROM c LIMIT 300) SELECT x FROM c)',
          ),
        )
        expect(error.message).toMatch(/the result is larger than the sandbox limit/)
        // 300 MB were built. The child collects them right after sending the refusal, before it
        // reads its next request: by the answer to this one, they are given back.
        await sized.all(id, 'SELECT 1')
        expect(rssMb()).toBeLessThan(150)
      } finally {
        await sized.dispose()
      }
    })

    it('measures a result in the bytes it crosses as: UTF-8, so ASCII text counts one byte a character', async () => {
      // 512 pages: a 2 MiB database, and the result limit is its size.
      const roomy = createDbPool({ processes: 1, maxPageCount: 512 })
      try {
        const id = newId('result-bytes')
        await roomy.open(id, { seedSql: 'CREATE TABLE texts (t TEXT)' })
        await roomy.run(id, "INSERT INTO texts VALUES (printf('%.*c', 1200000, 'x'))")
        const [row] = await roomy.all(id, 'SELECT t FROM texts')
        expect(String(row!.t)).toHaveLength(1_200_000)
        const error = await rejection(roomy.all(id, 'SELECT t FROM texts UNION ALL SELECT t FROM texts'))
        expect(error.message).toMatch(/the result is larger than the sandbox limit of 2 MiB/)
      } finally {
        await roomy.dispose()
      }
    })
  })

  describe('one runaway query must not freeze everyone', () => {
    it('stops a runaway recursive CTE with a timeout error while the event loop and the other child keep answering, and keeps the other databases', async () => {
      // Its own pool, so the placement is known: runaway and neighbour share the first child.
      const runawayPool = createDbPool({ processes: 2, statementTimeoutMs: 1000 })
      try {
        await runawayPool.open('runaway', { seedSql: SEED })
        await runawayPool.open('other-child', { seedSql: SEED })
        await runawayPool.open('neighbour', { seedSql: SEED })
        await runawayPool.open('filler')
        // It lands beside the runaway, in the same child.
        await runawayPool.open('big-neighbour', { seedSql: BIG_SEED })
        await runawayPool.run('runaway', 'INSERT INTO users (name) VALUES (?)', ['Before the runaway'])
        await runawayPool.run('neighbour', 'INSERT INTO users (name) VALUES (?)', ['Neighbour write'])

        // While the runaway runs, the event loop keeps turning and the other child answers,
        // for the runaway's neighbour too: its statement goes to the free child.
        let ticks = 0
        const ticker = setInterval(() => ticks++, 5)
        const finished: string[] = []
        const runaway = rejection(runawayPool.get('runaway', RUNAWAY)).finally(() => {
          clearInterval(ticker)
          finished.push('runaway')
        })
        expect(await runawayPool.get('other-child', 'SELECT name FROM users WHERE id = 1')).toEqual({ name: 'Ada' })
        expect(await runawayPool.get('neighbour', 'SELECT name FROM users WHERE id = 3')).toEqual({ name: 'Neighbour write' })
        finished.push('neighbour')
        const error = await runaway
        expect(finished).toEqual(['neighbour', 'runaway'])

        expect(error).toBeInstanceOf(SqlTimeoutError)
        expect(error.message).toMatch(/^your SQL query ran longer than 1 s/)
        expect(ticks).toBeGreaterThan(0)

        // The next statement works on a fresh child, and no database lost a committed write.
        expect(await runawayPool.get('neighbour', 'SELECT name FROM users WHERE id = 3')).toEqual({ name: 'Neighbour write' })
        expect(await runawayPool.get('other-child', 'SELECT count(*) AS n FROM users')).toEqual({ n: 2 })
        expect(await runawayPool.get('runaway', 'SELECT count(*) AS n FROM users')).toEqual({ n: 3 })
        expect(await runawayPool.get('big-neighbour', BIG_CHECK)).toEqual(BIG_EXPECTED)
        expect(runawayPool.stats()).toEqual({ processes: 2, databases: 5, restarts: 1 })
      } finally {
        await runawayPool.dispose()
      }
    })

    it('rolls back an open transaction of the runaway database and keeps its committed writes', async () => {
      const id = newId('runaway-tx')
      await pool.open(id, { seedSql: SEED })
      await pool.run(id, 'INSERT INTO users (name) VALUES (?)', ['Committed'])
      await pool.begin(id)
      await pool.run(id, 'INSERT INTO users (name) VALUES (?)', ['Uncommitted'])
      expect(await rejection(pool.get(id, RUNAWAY))).toBeInstanceOf(SqlTimeoutError)
      // The transaction went with the child: nothing runs outside it until it is rolled back.
      expect(await rejection(pool.get(id, 'SELECT count(*) AS n FROM users'))).toMatchObject({ code: 'SANDBOX_TRANSACTION_LOST' })
      await pool.rollback(id)
      expect(await pool.all(id, 'SELECT name FROM users ORDER BY id')).toEqual([{ name: 'Ada' }, { name: 'Grace' }, { name: 'Committed' }])
      // A new transaction can begin.
      await pool.begin(id)
      await pool.rollback(id)
    })

    it.skipIf(!existsSync('/proc/self/stat'))('handles a child that dies for any other reason like a kill', async () => {
      const before = new Set(childPids())
      const crashPool = createDbPool({ processes: 1, statementTimeoutMs: 30_000 })
      try {
        const [pid] = childPids().filter((candidate) => !before.has(candidate))
        await crashPool.open('victim', { seedSql: SEED })
        await crashPool.open('bystander', { seedSql: SEED })
        await crashPool.run('bystander', 'INSERT INTO users (name) VALUES (?)', ['Written before the crash'])

        // Dies in the middle of a statement (as if out of memory): that call fails, nothing else.
        const running = rejection(crashPool.get('victim', RUNAWAY))
        process.kill(pid!, 'SIGKILL')
        const error = await running
        expect(error).toBeInstanceOf(DatabaseCrashedError)
        expect(error.message).toMatch(/killed by SIGKILL.*nothing it did was kept/)
        expect(await crashPool.get('bystander', 'SELECT name FROM users WHERE id = 3')).toEqual({
          name: 'Written before the crash',
        })
        expect(await crashPool.get('victim', 'SELECT count(*) AS n FROM users')).toEqual({ n: 2 })

        // Dies while idle: the pool notices on its own and the next call just works.
        const [respawned] = childPids().filter((candidate) => !before.has(candidate))
        process.kill(respawned!, 'SIGKILL')
        await vi.waitFor(() => expect(crashPool.stats().restarts).toBe(2), { timeout: 60_000 })
        expect(await crashPool.get('bystander', 'SELECT count(*) AS n FROM users')).toEqual({ n: 3 })
      } finally {
        await crashPool.dispose()
      }
    })
  })

  describe('a host that dies', () => {
    it.skipIf(!existsSync('/proc/self/stat'))('takes its runaway child with it', async () => {
      // A separate host process (under tsx) starts a runaway with a long deadline, then dies.
      const hostCode = `
        const { createDbPool } = await import(${JSON.stringify(new URL('./index.ts', import.meta.url).href)})
        const pool = createDbPool({ processes: 1, statementTimeoutMs: 60_000 })
        await pool.open('a')
        pool.get('a', ${JSON.stringify(RUNAWAY)}).catch(() => {})
        console.log('running')
        setInterval(() => {}, 1000)`
      const host = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', hostCode], {
        stdio: ['ignore', 'pipe', 'inherit'],
      })
      try {
        await new Promise<void>((resolve, reject) => {
          host.stdout!.on('data', (chunk: Buffer) => {
            if (chunk.toString().includes('running')) resolve()
          })
          host.once('exit', (code) => reject(new Error(`host exited early with code ${code}`)))
        })
        const [child] = childPids(host.pid)
        expect(child).toBeDefined()
        host.kill('SIGKILL')
        await vi.waitFor(() => expect(isGone(child!)).toBe(true), { timeout: 60_000, interval: 50 })
      } finally {
        host.kill('SIGKILL')
      }
    })
  })

  describe('snapshots', () => {
    it('opens a new database from a snapshot, independent of the original', async () => {
      const original = newId('original')
      await pool.open(original, { seedSql: SEED })
      await pool.run(original, 'INSERT INTO users (name) VALUES (?)', ['Snapshotted'])
      const bytes = await pool.snapshot(original)
      expect(bytes).toBeInstanceOf(Uint8Array)

      const copy = newId('copy')
      await pool.open(copy, { snapshot: bytes })
      const seeded = newId('copy-seeded')
      await pool.open(seeded, { snapshot: bytes, seedSql: "INSERT INTO users (name) VALUES ('Seeded')" })
      expect(await pool.get(seeded, 'SELECT count(*) AS n FROM users')).toEqual({ n: 4 })
      expect(await pool.all(copy, 'SELECT name FROM users ORDER BY id')).toEqual([{ name: 'Ada' }, { name: 'Grace' }, { name: 'Snapshotted' }])
      await pool.run(copy, 'DELETE FROM posts')
      expect(await pool.get(original, 'SELECT count(*) AS n FROM posts')).toEqual({ n: 2 })
      // Limits and foreign keys hold on a restored database too.
      expect((await rejection(pool.run(copy, 'INSERT INTO posts (user_id, title) VALUES (99, ?)', ['x']))).message).toMatch(/FOREIGN KEY/)
    })

    it('moves a snapshot over 1 MiB intact, both ways', async () => {
      const id = newId('big')
      await pool.open(id, { seedSql: BIG_SEED })
      const bytes = await pool.snapshot(id)
      expect(bytes.byteLength).toBe(await pool.sizeBytes(id))
      expect(bytes.byteLength).toBeGreaterThan(3_000_000)
      const copy = newId('big-copy')
      await pool.open(copy, { snapshot: bytes })
      expect(await pool.get(copy, BIG_CHECK)).toEqual(BIG_EXPECTED)
    })

    it('reports the size of a database', async () => {
      const id = newId('size')
      await pool.open(id, { seedSql: SEED })
      const size = await pool.sizeBytes(id)
      expect(size).toBeGreaterThan(0)
      expect(size % 4096).toBe(0)
    })
  })

  describe('inspection (trusted)', () => {
    it('lists tables with columns and row counts', async () => {
      const id = newId('tables')
      await pool.open(id, { seedSql: SEED })
      expect(await pool.tables(id)).toEqual([
        {
          name: 'posts',
          columns: [
            { name: 'id', type: 'INTEGER', notNull: false, primaryKey: true },
            { name: 'user_id', type: 'INTEGER', notNull: true, primaryKey: false },
            { name: 'title', type: 'TEXT', notNull: true, primaryKey: false },
          ],
          rowCount: 2,
        },
        {
          name: 'users',
          columns: [
            { name: 'id', type: 'INTEGER', notNull: false, primaryKey: true },
            { name: 'name', type: 'TEXT', notNull: true, primaryKey: false },
            { name: 'email', type: 'TEXT', notNull: false, primaryKey: false },
          ],
          rowCount: 2,
        },
      ])
    })

    it('pages through rows', async () => {
      const id = newId('rows')
      await pool.open(id, {
        seedSql: `CREATE TABLE "odd ""name""" (n INTEGER);
          INSERT INTO "odd ""name""" SELECT value FROM (WITH RECURSIVE c(value) AS (SELECT 1 UNION ALL SELECT value+1 FROM c LIMIT 25) SELECT value FROM c);`,
      })
      const first = await pool.rows(id, 'odd "name"', { limit: 10, offset: 0 })
      expect(first.columns).toEqual(['n'])
      expect(first.total).toBe(25)
      expect(first.rows).toEqual([[1], [2], [3], [4], [5], [6], [7], [8], [9], [10]])
      const last = await pool.rows(id, 'odd "name"', { limit: 10, offset: 20 })
      expect(last.rows).toEqual([[21], [22], [23], [24], [25]])
      expect((await rejection(pool.rows(id, 'missing', { limit: 10, offset: 0 }))).message).toMatch(/no such table: missing/)
    })

    it("stops reading a learner's endless VIEW at the statement deadline", async () => {
      const id = newId('endless-view')
      await pool.open(id, { seedSql: SEED })
      await pool.run(id, 'CREATE VIEW forever AS WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x+1 FROM c) SELECT x FROM c')
      const error = await rejection(pool.rows(id, 'forever', { limit: 5 }))
      expect(error).toBeInstanceOf(SqlTimeoutError)
      expect(error.message).toMatch(/^reading "forever" took longer than 1 s and was stopped/)
      expect((await pool.tables(id)).map((table) => table.name)).toEqual(['posts', 'users'])
    })

    it('runs a trusted read without the learner rules but with the deadline', async () => {
      const id = newId('query')
      await pool.open(id, { seedSql: SEED })
      expect(await pool.query(id, 'SELECT name FROM users WHERE id = ?', [1])).toEqual([{ name: 'Ada' }])
      expect(await pool.query(id, 'PRAGMA index_xinfo(sqlite_autoindex_users_1)')).not.toHaveLength(0)
      expect((await rejection(pool.query(id, 'DELETE FROM users'))).message).toMatch(/only runs statements that read/)
      expect(await rejection(pool.query(id, RUNAWAY))).toBeInstanceOf(SqlTimeoutError)
      expect(await pool.query(id, 'SELECT count(*) AS n FROM users')).toEqual([{ n: 2 }])
    })
  })

  describe('unknown databases', () => {
    it('rejects calls on a database never opened or already closed', async () => {
      expect(await rejection(pool.get('never-opened', 'SELECT 1'))).toBeInstanceOf(UnknownDatabaseError)
      const id = newId('closed')
      await pool.open(id)
      await pool.close(id)
      expect(await rejection(pool.all(id, 'SELECT 1'))).toBeInstanceOf(UnknownDatabaseError)
      expect(await rejection(pool.tables(id))).toBeInstanceOf(UnknownDatabaseError)
      expect(await rejection(pool.close(id))).toBeInstanceOf(UnknownDatabaseError)
    })
  })

  it('rejects every call after dispose', async () => {
    const shortLived = createDbPool({ processes: 1 })
    const id = newId('disposed')
    await shortLived.open(id)
    await shortLived.dispose()
    expect(shortLived.stats()).toEqual({ processes: 0, databases: 0, restarts: 0 })
    expect(await rejection(shortLived.get(id, 'SELECT 1'))).toBeInstanceOf(DbPoolDisposedError)
  })
})
