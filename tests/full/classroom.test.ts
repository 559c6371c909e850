/**
 * The classroom load test, short form (bench/classroom.ts; `npm run bench:load` prints the
 * long one): 8 learners with correct code and 2 hostile ones for 15 s against the real
 * server as `npm start` runs it, isolates in worker processes. Correct code is never blamed for
 * a limit, no acknowledged write is lost, and a request answered as failed leaves no write
 * behind. A busy machine may answer 503.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { runClassroom } from '../../bench/classroom.ts'
import { createServerApp } from '../../sandbox-server/http/app.ts'
import { startSandboxServer } from '../../sandbox-server/http/serve.ts'
import { createLogger } from '../../sandbox-server/observability/index.ts'
import { createWorkerSessions, type WorkerSessions } from '../../sandbox-server/sessions/workers/supervisor.ts'

const dataDir = mkdtempSync(join(tmpdir(), 'sandbox-classroom-'))
let sessions: WorkerSessions
let close: () => Promise<void>
let baseUrl: string

beforeAll(async () => {
  const logger = createLogger({ level: 'silent' })
  sessions = await createWorkerSessions({ dataDir, workers: 2, logger })
  const app = createServerApp({ sessions, logger, sessionsPerMinute: 10_000, gradesPerMinute: 10_000 })
  const { server, port } = await startSandboxServer({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' })
  baseUrl = `http://127.0.0.1:${port}`
  close = async () => {
    const closed = new Promise<void>((resolve) => server.close(() => resolve()))
    server.closeAllConnections()
    await closed
  }
})

afterAll(async () => {
  await close()
  await sessions.dispose()
  rmSync(dataDir, { recursive: true, force: true })
})

it('serves a class fairly beside hostile learners: nothing blamed, lost or half-kept', { timeout: 180_000 }, async () => {
  const report = await runClassroom({ baseUrl, learners: 8, hostile: 2, seconds: 15 })
  expect(report.otherFailures).toEqual([])
  expect(report.blamed).toBe(0)
  expect(report.writesLost).toBe(0)
  expect(report.failedWritesKept).toBe(0)
  expect(report.writesAcknowledged).toBeGreaterThan(0)
  expect(report.hostileRequests).toBeGreaterThan(0)
})
