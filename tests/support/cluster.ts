/**
 * Several replicas of the real server (`sandbox-server/main.ts` as `npm start` runs it) sharing
 * a Redis started here, behind HAProxy with deploy/haproxy.cfg, all on loopback ports: what the
 * scale-out test and bench run. Debian's `haproxy` and `redis-server` must be installed; when
 * one is missing, starting says how to install it (never a skip).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { rawRequest } from './raw-request.ts'

const root = fileURLToPath(new URL('../..', import.meta.url))

/** One process of the cluster, with everything it printed. */
export interface ClusterProcess {
  readonly name: string
  readonly port: number
  child: ChildProcess
  /** What it printed, this run and the runs before (a restarted replica keeps its history). */
  output: string
}

export interface Cluster {
  /** HAProxy's port: what learners' browsers and curl reach. */
  readonly port: number
  readonly replicas: ClusterProcess[]
  /** Kills a replica with SIGKILL and resolves once it is gone. */
  kill(replica: ClusterProcess): Promise<void>
  /** Starts a killed replica again on its port and DATA_DIR; resolves once it answers /health/ready. */
  restart(replica: ClusterProcess): Promise<void>
  stop(): Promise<void>
}

/** Fails with the command that installs what is missing. */
export function assertClusterBinaries(): void {
  const missing = ['haproxy', 'redis-server'].filter((binary) => spawnSync('sh', ['-c', `command -v ${binary}`]).status !== 0)
  if (missing.length > 0) {
    throw new Error(
      `${missing.join(' and ')} not installed: the scale-out test needs them (apt-get install -y haproxy redis-server; .ci/run installs them)`,
    )
  }
}

/** A port free on loopback now (taken again by the process that is given it). */
async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number }
      server.close(() => resolve(port))
    })
  })
}

/** A redis-server of its own on a free loopback port, keeping nothing on disk; resolves once it answers. */
export async function startRedis(folder: string): Promise<ClusterProcess> {
  assertClusterBinaries()
  const port = await freePort()
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
    cwd: folder,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const redis: ClusterProcess = { name: 'redis', port, child, output: '' }
  child.stdout!.on('data', (chunk: Buffer) => (redis.output += chunk.toString()))
  await waitFor('redis-server to start', () => redis.output.includes('Ready to accept connections'), 30_000)
  return redis
}

/** Resolves once `check` does, polling every 100 ms; fails with `what` after `timeoutMs`. */
export async function waitFor(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (
    !(await Promise.resolve()
      .then(check)
      .catch(() => false))
  ) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}

const ready = (port: number) => async () => (await rawRequest(port, 'GET', '/health/ready')).status === 200

/**
 * @example
 * const cluster = await startCluster({ replicas: 3 })
 * await rawRequest(cluster.port, 'POST', '/api/sessions', { headers: { 'content-type': 'application/json' }, body: '{}' })
 * await cluster.stop()
 */
export async function startCluster({ replicas: count = 3, workers = 1 }: { replicas?: number; workers?: number } = {}): Promise<Cluster> {
  assertClusterBinaries()
  const folder = mkdtempSync(join(tmpdir(), 'sandbox-cluster-'))
  const processes: ClusterProcess[] = []
  const launch = (entry: ClusterProcess, command: string, args: string[], env: Record<string, string>, cwd = root) => {
    entry.child = spawn(command, args, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
    entry.child.stdout!.on('data', (chunk: Buffer) => (entry.output += chunk.toString()))
    entry.child.stderr!.on('data', (chunk: Buffer) => (entry.output += chunk.toString()))
  }
  const redis = await startRedis(folder)
  const redisPort = redis.port
  processes.push(redis)

  const startReplica = (replica: ClusterProcess) =>
    launch(replica, process.execPath, ['--no-node-snapshot', '--import', 'tsx', 'sandbox-server/main.ts'], {
      PORT: String(replica.port),
      DATA_DIR: join(folder, replica.name),
      SESSION_STORE: `redis://127.0.0.1:${redisPort}`,
      REPLICA_NAME: replica.name,
      WORKERS: String(workers),
      LOG_LEVEL: 'info',
      SESSIONS_PER_MINUTE: '100000',
      // HAProxy's X-Forwarded-For names the client, as deploy/ documents.
      TRUSTED_PROXIES: '127.0.0.1',
    })
  const replicas: ClusterProcess[] = []
  for (let n = 1; n <= count; n++) {
    const replica: ClusterProcess = { name: `replica${n}`, port: await freePort(), child: undefined!, output: '' }
    startReplica(replica)
    replicas.push(replica)
    processes.push(replica)
  }
  const haproxy: ClusterProcess = { name: 'haproxy', port: await freePort(), child: undefined!, output: '' }
  const servers = Object.fromEntries(replicas.map((replica, i) => [`REPLICA_${i + 1}`, `127.0.0.1:${replica.port}`]))
  launch(haproxy, 'haproxy', ['-f', join(root, 'deploy', 'haproxy.cfg')], { HAPROXY_BIND: `127.0.0.1:${haproxy.port}`, ...servers }, folder)
  processes.push(haproxy)

  const exited = (entry: ClusterProcess) => entry.child.exitCode !== null || entry.child.signalCode !== null
  const cluster: Cluster = {
    port: haproxy.port,
    replicas,
    async kill(replica) {
      const gone = new Promise((resolve) => (exited(replica) ? resolve(null) : replica.child.once('exit', resolve)))
      replica.child.kill('SIGKILL')
      await gone
    },
    async restart(replica) {
      replica.output += '\n--- restarted\n'
      startReplica(replica)
      await waitFor(`${replica.name} to be ready again`, ready(replica.port))
    },
    async stop() {
      for (const entry of processes) if (!exited(entry)) entry.child.kill('SIGKILL')
      rmSync(folder, { recursive: true, force: true })
    },
  }
  try {
    for (const replica of replicas) await waitFor(`${replica.name} to be ready`, ready(replica.port))
    await waitFor('HAProxy to answer', ready(haproxy.port))
  } catch (error) {
    await cluster.stop()
    const outputs = processes.map((entry) => `--- ${entry.name}\n${entry.output.slice(-2000)}`).join('\n')
    throw new Error(`${(error as Error).message}\n${outputs}`)
  }
  return cluster
}
