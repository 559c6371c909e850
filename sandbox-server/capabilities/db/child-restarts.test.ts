import { execFileSync } from 'node:child_process'
import { afterAll, describe, expect, it } from 'vitest'
import { createDbPool } from './index.ts'
import { DatabaseCrashedError, SqlError, SqlTimeoutError } from './errors.ts'

/** The pids of this process's SQLite children. */
function sqliteChildren(): number[] {
  return execFileSync('ps', ['-o', 'pid=,args=', '--ppid', String(process.pid)])
    .toString()
    .split('\n')
    .filter((line) => line.includes('child.js'))
    .map((line) => Number(line.trim().split(/\s+/)[0]))
}

describe('a hung SQLite child', () => {
  const pool = createDbPool({ processes: 1 })
  afterAll(() => pool.dispose())

  it('is replaced at its first deadline check, and its databases come back', async () => {
    await pool.open('notes', { seedSql: "CREATE TABLE notes (body TEXT); INSERT INTO notes VALUES ('kept')" })
    const [pid] = sqliteChildren()
    expect(pid).toBeGreaterThan(0)
    process.kill(pid!, 'SIGSTOP')
    const error = await pool.get('notes', 'SELECT body FROM notes').catch((thrown: unknown) => thrown)
    expect(error).toBeInstanceOf(DatabaseCrashedError)
    expect((error as Error).message).toMatch(/stopped answering/)
    expect(await pool.get('notes', 'SELECT body FROM notes')).toEqual({ body: 'kept' })
    expect(pool.stats()).toMatchObject({ processes: 1, restarts: 1 })
  })
})

describe('a transaction whose child was killed for another database’s runaway', () => {
  const pool = createDbPool({ processes: 1 })
  afterAll(() => pool.dispose())

  it('is refused statement by statement until rolled back, so no half of it is committed', async () => {
    await pool.open('bank', { seedSql: 'CREATE TABLE acct (id INTEGER PRIMARY KEY, bal INTEGER); INSERT INTO acct VALUES (1, 1000), (2, 1000)' })
    await pool.open('runaway')
    await pool.begin('bank')
    await pool.run('bank', 'UPDATE acct SET bal = bal - 10 WHERE id = 1')
    const stopped = await pool
      .get('runaway', 'WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c')
      .catch((error: unknown) => error)
    expect(stopped).toBeInstanceOf(SqlTimeoutError)

    // The credit must not run on its own, outside the transaction that lost its debit.
    const credit = await pool.run('bank', 'UPDATE acct SET bal = bal + 10 WHERE id = 2').catch((error: unknown) => error)
    expect(credit).toBeInstanceOf(SqlError)
    expect((credit as SqlError).code).toBe('SANDBOX_TRANSACTION_LOST')
    await expect(pool.commit('bank')).rejects.toThrow(/rolled back and nothing of it was kept/)
    await pool.rollback('bank')
    expect(await pool.all('bank', 'SELECT id, bal FROM acct ORDER BY id')).toEqual([
      { id: 1, bal: 1000 },
      { id: 2, bal: 1000 },
    ])
  })
})
