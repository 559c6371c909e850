import { execFileSync } from 'node:child_process'
import { afterAll, describe, expect, it } from 'vitest'
import { createDbPool } from './index.ts'
import { DatabaseCrashedError } from './errors.ts'

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
