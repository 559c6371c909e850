/**
 * The benches' server: the real `sandbox-server/main.ts` in its own process, measured from
 * the outside, and what its process tree holds.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process'
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))

/**
 * Starts the server on `port` with no per-client limits in the way; resolves once it listens.
 * Its sessions are kept in a new temporary DATA_DIR unless `env` names one.
 */
export async function startServer(port: number, env: Record<string, string> = {}): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--no-node-snapshot', '--import', 'tsx', 'sandbox-server/main.ts'], {
    cwd: root,
    env: {
      ...process.env,
      PORT: String(port),
      SESSIONS_PER_MINUTE: '100000',
      GRADES_PER_MINUTE: '100000',
      LOG_LEVEL: 'warn',
      DATA_DIR: mkdtempSync(join(tmpdir(), 'sandbox-bench-')),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => chunk.toString().includes('running at') && resolve())
    child.once('exit', (code) => reject(new Error(`server exited with ${code}`)))
  })
  // Keep reading its output so the server never blocks on a full pipe.
  child.stdout!.resume()
  return child
}

/** RSS of the server process and of every process under it (workers, SQLite, esbuild), in bytes. */
export function rssOf(pid: number): { server: number; children: number } {
  const rss = (one: number) => {
    try {
      return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${one}/status`, 'utf8'))![1]) * 1024
    } catch {
      return 0 // exited meanwhile
    }
  }
  const childrenOf = (parent: number): number[] => {
    let listed = ''
    try {
      listed = execFileSync('ps', ['-o', 'pid=', '--ppid', String(parent)]).toString()
    } catch {
      return [] // ps exits 1 when there are none
    }
    const direct = listed.trim().split(/\s+/).filter(Boolean).map(Number)
    return direct.flatMap((child) => [child, ...childrenOf(child)])
  }
  return { server: rss(pid), children: childrenOf(pid).reduce((sum, one) => sum + rss(one), 0) }
}

export const mib = (bytes: number) => `${(bytes / 1024 ** 2).toFixed(0)} MiB`
