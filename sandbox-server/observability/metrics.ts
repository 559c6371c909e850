/**
 * The server's figures for Prometheus (prom-client), served as text at `/metrics`.
 *
 * Counters the HTTP layer updates as requests finish (requests by route and outcome, latency,
 * limit hits by kind, log lines dropped), and gauges read from the runtime when scraped (sessions,
 * SQLite children, databases and restarts), plus Node's own process figures. Labels are route
 * patterns and small fixed sets, never raw paths or session ids, so the series stay few.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client'
import type { DbStats } from '../capabilities/db/index.ts'

export interface MetricsSources {
  /** Sessions alive now. */
  sessions(): number
  /** The SQLite pool's children, databases and restarts. */
  database(): DbStats
  /** Log lines dropped by the per-client budget so far. */
  droppedLogLines(): number
  /** Runs in progress and waiting for a turn (admission control). */
  runs?(): { running: number; waiting: number }
  /** Worker processes running learners' isolates, and how many died so far (none without workers). */
  workers?(): { alive: number; deaths: number; recycled: number }
}

/** How a request ended, for the `outcome` label: the status class, or `limit` / `aborted`. */
export type RequestOutcome = '1xx' | '2xx' | '3xx' | '4xx' | '5xx' | 'limit' | 'aborted'

/**
 * A registry of its own (two servers in one process do not share series).
 *
 * @example
 * const metrics = createMetrics({ sessions: () => store.size, database: () => db.stats(), droppedLogLines: () => 0 })
 * metrics.recordRequest({ route: '/api/sessions', method: 'POST', outcome: '2xx', seconds: 0.004 })
 * const text = await metrics.render()
 */
export function createMetrics(sources: MetricsSources) {
  const registry = new Registry()
  collectDefaultMetrics({ register: registry })

  const requests = new Counter({
    name: 'sandbox_http_requests_total',
    help: 'API and live-URL requests by route pattern, method and outcome (status class, limit, aborted).',
    labelNames: ['route', 'method', 'outcome'] as const,
    registers: [registry],
  })
  const latency = new Histogram({
    name: 'sandbox_http_request_duration_seconds',
    help: 'Time from a request arriving to its response being ready, by route pattern.',
    labelNames: ['route'] as const,
    buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  })
  const limitHits = new Counter({
    name: 'sandbox_limit_hits_total',
    help: 'Runs stopped by a limit, by kind: cpu, memory, wall, output, busy (the server, not the code, was too slow).',
    labelNames: ['kind'] as const,
    registers: [registry],
  })
  const sessionsRemoved = new Counter({
    name: 'sandbox_sessions_removed_total',
    help: 'Sessions the server removed by itself: expired (idle too long) or evicted (over the memory budget).',
    labelNames: ['reason'] as const,
    registers: [registry],
  })
  new Gauge({
    name: 'sandbox_sessions',
    help: 'Sessions alive now.',
    registers: [registry],
    collect() {
      this.set(sources.sessions())
    },
  })
  new Gauge({
    name: 'sandbox_runs',
    help: 'Sandbox runs (requests, calls, test runs) in progress and waiting for a turn.',
    labelNames: ['state'],
    registers: [registry],
    collect() {
      const runs = sources.runs?.()
      if (!runs) return
      this.set({ state: 'running' }, runs.running)
      this.set({ state: 'waiting' }, runs.waiting)
    },
  })
  new Gauge({
    name: 'sandbox_sqlite_children',
    help: 'SQLite child processes running now.',
    registers: [registry],
    collect() {
      this.set(sources.database().processes)
    },
  })
  new Gauge({
    name: 'sandbox_sqlite_databases',
    help: 'Session databases open in the SQLite children.',
    registers: [registry],
    collect() {
      this.set(sources.database().databases)
    },
  })
  // Both read totals the runtime keeps; a counter is only ever moved forward to them.
  const restarts = new Counter({
    name: 'sandbox_sqlite_child_restarts_total',
    help: 'SQLite child processes replaced after a deadline kill or a crash.',
    registers: [registry],
  })
  new Gauge({
    name: 'sandbox_workers',
    help: "Worker processes running learners' isolates (0: they run in the HTTP process).",
    registers: [registry],
    collect() {
      this.set(sources.workers?.().alive ?? 0)
    },
  })
  const workerDeaths = new Counter({
    name: 'sandbox_worker_deaths_total',
    help: "Worker processes that died (a learner's program that killed V8, or any other cause) and were replaced.",
    registers: [registry],
  })
  const workersRecycled = new Counter({
    name: 'sandbox_workers_recycled_total',
    help: 'Worker processes drained and replaced because their memory grew past the threshold.',
    registers: [registry],
  })
  const dropped = new Counter({
    name: 'sandbox_log_lines_dropped_total',
    help: 'Log lines dropped because a client used up its log budget.',
    registers: [registry],
  })
  async function catchUp(counter: Counter, total: number) {
    const current = (await counter.get()).values[0]?.value ?? 0
    if (total > current) counter.inc(total - current)
  }

  return {
    recordRequest({ route, method, outcome, seconds }: { route: string; method: string; outcome: RequestOutcome; seconds: number }) {
      requests.inc({ route, method, outcome })
      latency.observe({ route }, seconds)
    },
    recordLimitHit(kind: string) {
      limitHits.inc({ kind })
    },
    recordSessionRemoved(reason: 'expired' | 'evicted') {
      sessionsRemoved.inc({ reason })
    },
    contentType: registry.contentType,
    /** The Prometheus text exposition of every series. */
    async render(): Promise<string> {
      await catchUp(restarts, sources.database().restarts)
      await catchUp(dropped, sources.droppedLogLines())
      await catchUp(workerDeaths, sources.workers?.().deaths ?? 0)
      await catchUp(workersRecycled, sources.workers?.().recycled ?? 0)
      return registry.metrics()
    },
  }
}

export type Metrics = ReturnType<typeof createMetrics>
