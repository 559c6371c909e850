/**
 * The classroom load test, short form (bench/classroom.ts; `npm run bench:load` prints the
 * long one): 8 learners with correct code and 2 hostile ones for 15 s against the real
 * server. Correct code is never blamed for a limit, no acknowledged write is lost, and a
 * request answered as failed leaves no write behind. A busy machine may answer 503.
 */
import { afterAll, beforeAll, expect, it } from 'vitest'
import { runClassroom } from '../../bench/classroom.ts'
import { startTestServer, type TestServer } from '../support/server.ts'

let server: TestServer
beforeAll(async () => {
  server = await startTestServer()
})
afterAll(() => server.close())

it('serves a class fairly beside hostile learners: nothing blamed, lost or half-kept', { timeout: 180_000 }, async () => {
  const report = await runClassroom({ baseUrl: server.url, learners: 8, hostile: 2, seconds: 15 })
  expect(report.otherFailures).toEqual([])
  expect(report.blamed).toBe(0)
  expect(report.writesLost).toBe(0)
  expect(report.failedWritesKept).toBe(0)
  expect(report.writesAcknowledged).toBeGreaterThan(0)
  expect(report.hostileRequests).toBeGreaterThan(0)
})
