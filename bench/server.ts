/**
 * The benches' server: the real `sandbox-server/main.ts` in its own process, measured from
 * the outside, and what its process tree holds.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process'
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const projectRoot = fileURLToPath(new URL('..', import.meta.url))

export interface ServerProcessOptions {
  /** The checkout whose server runs (its own node_modules): default this one. */
  root?: string
  /** The script to run, relative to `root`. Default the real server, `sandbox-server/main.ts`. */
  script?: string
  /** Cores it may run on (`taskset -c`), e.g. "0-2"; default any. */
  cpus?: string
  /** Options for Node itself, e.g. `['--cpu-prof', '--cpu-prof-dir', 'profiles']`. */
  nodeOptions?: string[]
}

/**
 * Starts a server on `port` with no per-client limits in the way; resolves once it listens.
 * Its sessions are kept in a new temporary DATA_DIR unless `env` names one.
 *
 * @example
 * const plain = await startServer(4000, {}, { script: 'bench/plain-hono-server.ts' })
 */
export async function startServer(
  port: number,
  env: Record<string, string> = {},
  { root = projectRoot, script = 'sandbox-server/main.ts', cpus, nodeOptions = [] }: ServerProcessOptions = {},
): Promise<ChildProcess> {
  const command = [process.execPath, '--no-node-snapshot', ...nodeOptions, '--import', 'tsx', script]
  const [file, ...args] = cpus === undefined ? command : ['taskset', '-c', cpus, ...command]
  const child = spawn(file!, args, {
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
    child.once('exit', (code) => reject(new Error(`${script} in ${root} exited with ${code}`)))
  })
  // Keep reading its output so the server never blocks on a full pipe.
  child.stdout!.resume()
  return child
}

/** Stops a server started by startServer; resolves once its process has exited. */
export async function stopServer(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  const exited = new Promise((resolve) => child.once('exit', resolve))
  child.kill('SIGTERM')
  await exited
}

/** A process's resident memory, and its proportional share of what it shares (PSS), in bytes. */
export interface ProcessMemory {
  rss: number
  pss: number
}

/**
 * Memory of the server process and of every process under it (workers, SQLite, esbuild). RSS
 * counts a page shared by several processes (Node's code, V8's) in each of them; PSS divides
 * it among them, so the PSS of the whole tree is what it really holds.
 */
export function memoryOf(pid: number): { server: ProcessMemory; children: ProcessMemory; total: ProcessMemory } {
  const of = (one: number): ProcessMemory => {
    try {
      const rollup = readFileSync(`/proc/${one}/smaps_rollup`, 'utf8')
      const kib = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(rollup)?.[1] ?? 0) * 1024
      return { rss: kib('Rss'), pss: kib('Pss') }
    } catch {
      return { rss: 0, pss: 0 } // exited meanwhile
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
  const add = (a: ProcessMemory, b: ProcessMemory) => ({ rss: a.rss + b.rss, pss: a.pss + b.pss })
  const server = of(pid)
  const children = childrenOf(pid).map(of).reduce(add, { rss: 0, pss: 0 })
  return { server, children, total: add(server, children) }
}

export const mib = (bytes: number) => `${(bytes / 1024 ** 2).toFixed(0)} MiB`
