/**
 * Databases are files: what a reply acknowledged survives kill -9 of a child or of the host,
 * a transaction a dead child held rolls back, a new pool takes the files up again, and a
 * closed database leaves no file. Real processes, real SQLite; nothing waits on a clock.
 */
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it, vi } from 'vitest'
import { SqlError, UnknownDatabaseError, createDbPool } from './index.ts'

const SEED = 'CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL)'
const folders: string[] = []

function newFolder(): string {
  const folder = mkdtempSync(join(tmpdir(), 'sandbox-durability-'))
  folders.push(folder)
  return folder
}

afterAll(() => {
  for (const folder of folders) rmSync(folder, { recursive: true, force: true })
})

/** The pids of this process's children (Linux /proc), to kill one from outside. */
function childPids(parent: number): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((pid) => {
      try {
        const stat = readFileSync(`/proc/${pid}/stat`, 'latin1')
        return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === parent
      } catch {
        return false
      }
    })
    .map(Number)
}

describe('database files', () => {
  it('keep every acknowledged write through kill -9 of their child, and roll back the transaction it held', async () => {
    const pool = createDbPool({ processes: 1, dataDir: newFolder() })
    try {
      await pool.open('notes', { seedSql: SEED })
      for (let i = 0; i < 20; i++) await pool.run('notes', 'INSERT INTO notes (body) VALUES (?)', [`note ${i}`])
      await pool.begin('notes')
      await pool.run('notes', 'INSERT INTO notes (body) VALUES (?)', ['never committed'])
      for (const pid of childPids(process.pid)) process.kill(pid, 'SIGKILL')
      await vi.waitFor(() => expect(pool.stats().restarts).toBe(1), { timeout: 60_000, interval: 20 })

      // The transaction went with the child: refused until rolled back, then it never happened.
      await expect(pool.get('notes', 'SELECT count(*) AS n FROM notes')).rejects.toMatchObject({ code: 'SANDBOX_TRANSACTION_LOST' })
      await pool.rollback('notes')
      expect(await pool.get('notes', 'SELECT count(*) AS n, max(body) AS last FROM notes')).toEqual({ n: 20, last: 'note 9' })
    } finally {
      await pool.dispose()
    }
  })

  it('keep every acknowledged write through kill -9 of the host, and a new pool takes them up', async () => {
    const dataDir = newFolder()
    // A separate host process (under tsx) writes as fast as it can and prints each acknowledgement.
    const hostCode = `
      const { createDbPool } = await import(${JSON.stringify(new URL('./index.ts', import.meta.url).href)})
      const pool = createDbPool({ processes: 2, dataDir: ${JSON.stringify(dataDir)} })
      await pool.open('notes', { seedSql: ${JSON.stringify(SEED)} })
      for (let i = 1; ; i++) {
        await pool.run('notes', 'INSERT INTO notes (id, body) VALUES (?, ?)', [i, 'note ' + i])
        process.stdout.write('ack ' + i + '\\n')
      }`
    const host = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', hostCode], { stdio: ['ignore', 'pipe', 'inherit'] })
    let acknowledged = 0
    await new Promise<void>((resolve, reject) => {
      host.stdout!.on('data', (chunk: Buffer) => {
        for (const match of chunk.toString().matchAll(/ack (\d+)/g)) acknowledged = Number(match[1])
        if (acknowledged >= 200) {
          host.kill('SIGKILL')
          resolve()
        }
      })
      host.once('exit', (code, signal) => (signal === 'SIGKILL' ? resolve() : reject(new Error(`host exited early with code ${code}`))))
    })
    await new Promise((resolve) => (host.exitCode !== null || host.signalCode !== null ? resolve(undefined) : host.once('exit', resolve)))

    const pool = createDbPool({ processes: 1, dataDir })
    try {
      await pool.reopen('notes')
      const { n, last } = (await pool.get('notes', 'SELECT count(*) AS n, max(id) AS last FROM notes')) as { n: number; last: number }
      // Every acknowledged row is there, in order with no gap; at most the one in flight beyond them.
      expect(last).toBeGreaterThanOrEqual(acknowledged)
      expect(n).toBe(last)
      await expect(pool.reopen('never-created')).rejects.toBeInstanceOf(UnknownDatabaseError)
    } finally {
      await pool.dispose()
    }
  })

  it('are deleted when their database is closed, and stay when the pool is disposed', async () => {
    const dataDir = newFolder()
    const pool = createDbPool({ processes: 2, dataDir })
    await pool.open('kept', { seedSql: SEED })
    await pool.open('closed', { seedSql: SEED })
    await pool.run('closed', "INSERT INTO notes (body) VALUES ('x')")
    expect(readdirSync(dataDir).filter((name) => name.endsWith('.sqlite'))).toHaveLength(2)
    await pool.close('closed')
    await pool.dispose()
    // One database left, named by a hash: no database id appears in a file name.
    const names = readdirSync(dataDir)
    expect(names.filter((name) => name.endsWith('.sqlite'))).toHaveLength(1)
    expect(names.join(' ')).not.toMatch(/kept|closed/)

    const again = createDbPool({ processes: 1, dataDir })
    try {
      await again.reopen('kept')
      expect(await again.get('kept', 'SELECT count(*) AS n FROM notes')).toEqual({ n: 0 })
      await expect(again.reopen('closed')).rejects.toBeInstanceOf(UnknownDatabaseError)
      // A file is opened only by the id that made it.
      await expect(again.get('closed', 'SELECT 1')).rejects.toBeInstanceOf(UnknownDatabaseError)
      // Files no database of the pool owns are removed on request; the others stay.
      const stray = createDbPool({ processes: 1, dataDir })
      await stray.open('stray', { seedSql: SEED })
      await stray.dispose()
      expect(await again.removeOthers()).toBe(1)
      expect(readdirSync(dataDir).filter((name) => name.endsWith('.sqlite'))).toHaveLength(1)
      expect(await again.get('kept', 'SELECT count(*) AS n FROM notes')).toEqual({ n: 0 })
    } finally {
      await again.dispose()
    }
  })

  it('start again from the seed when a database is created over an old one', async () => {
    const pool = createDbPool({ processes: 2, dataDir: newFolder() })
    try {
      await pool.open('reset', { seedSql: SEED })
      await pool.run('reset', "INSERT INTO notes (body) VALUES ('old')")
      await pool.close('reset')
      await pool.open('reset', { seedSql: SEED })
      expect(await pool.get('reset', 'SELECT count(*) AS n FROM notes')).toEqual({ n: 0 })
      // A seed that fails leaves nothing behind.
      await expect(pool.open('broken', { seedSql: `${SEED}; INSERT INTO nope VALUES (1)` })).rejects.toBeInstanceOf(SqlError)
      await expect(pool.reopen('broken')).rejects.toBeInstanceOf(UnknownDatabaseError)
    } finally {
      await pool.dispose()
    }
  })
})
