/**
 * `npm run bench:load [-- --learners 20 --hostile 5 --seconds 60]`: a classroom against the
 * real server (bench/classroom.ts) and what it costs. Prints requests, answers by status,
 * latency, writes acknowledged and lost, failed writes kept, and the RSS of every process.
 */
import { availableParallelism } from 'node:os'
import { parseArgs } from 'node:util'
import { runClassroom } from './classroom.ts'
import { memoryOf, mib, startServer } from './server.ts'

const { values } = parseArgs({
  options: { learners: { type: 'string', default: '20' }, hostile: { type: 'string', default: '5' }, seconds: { type: 'string', default: '60' } },
})
const learners = Number(values.learners)
const hostile = Number(values.hostile)
const seconds = Number(values.seconds)
const port = 4300 + Math.floor(Math.random() * 90)

const server = await startServer(port)
try {
  console.log(`${learners} learners and ${hostile} hostile ones for ${seconds} s on ${availableParallelism()} cores`)
  const report = await runClassroom({ baseUrl: `http://127.0.0.1:${port}`, learners, hostile, seconds })
  const memory = memoryOf(server.pid!)
  const rows: [string, string][] = [
    ['correct requests', String(report.requests)],
    [
      'answers by status',
      Object.entries(report.statuses)
        .map(([status, count]) => `${status}: ${count}`)
        .join(', '),
    ],
    ['failed with a limit blamed on correct code', String(report.blamed)],
    ['failed otherwise (not 503)', String(report.otherFailures.length)],
    ['latency p50 / p95 / p99', `${report.p50.toFixed(1)} / ${report.p95.toFixed(1)} / ${report.p99.toFixed(1)} ms`],
    ['writes acknowledged', String(report.writesAcknowledged)],
    ['acknowledged writes lost', String(report.writesLost)],
    ['failed writes kept', String(report.failedWritesKept)],
    ['hostile requests', String(report.hostileRequests)],
    ['PSS (RSS), all processes', `${mib(memory.total.pss)} (${mib(memory.total.rss)}); server ${mib(memory.server.pss)}`],
  ]
  for (const [name, value] of rows) console.log(`${name.padEnd(44)} ${value}`)
  for (const failure of report.otherFailures.slice(0, 5)) console.log(`  ${failure}`)
  for (const message of report.blamedMessages) console.log(`  blamed: ${message}`)
} finally {
  server.kill('SIGTERM')
}
