/**
 * Plain Hono in a process of its own, for `npm run bench`: PORT, and with BENCH_TIMINGS=1 the
 * same `server` phase timing and `/bench/timings` route as the sandbox server. Prints a
 * "running at" line as `npm start` does, which bench/server.ts waits for.
 */
import { serve } from '@hono/node-server'
import type { Server } from 'node:http'
import { addPhaseTimingRoutes, timeServerRequests } from '../sandbox-server/observability/phase-timings.ts'
import { createPlainHonoApp } from './plain-hono.ts'

const app = createPlainHonoApp()
addPhaseTimingRoutes(app)
const server = serve({ fetch: app.fetch, port: Number(process.env.PORT ?? 3000) }, ({ port }) => {
  console.log(`Plain Hono is running at http://localhost:${port}/`)
}) as Server
timeServerRequests(server)
process.on('SIGTERM', () => server.close(() => process.exit(0)))
