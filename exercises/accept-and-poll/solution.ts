import { Hono } from 'hono'
import { db, crypto, clock, log } from 'sandbox'

const app = new Hono()

type Job = { id: string; year: number; status: 'queued' | 'running' | 'done' | 'failed'; result: string | null }

function buildYearReport(year: number) {
  const months = db.all<{ month: string; orders: number; revenue_cents: number }>(
    `SELECT substr(placed_on, 1, 7) AS month, count(*) AS orders, sum(total_cents) AS revenue_cents
     FROM orders WHERE placed_on LIKE ? GROUP BY month ORDER BY month`,
    [`${year}-%`],
  )
  const until = Date.now() + 300
  while (Date.now() < until) {}
  log.info('report built', { year })
  return {
    year,
    orders: months.reduce((sum, m) => sum + m.orders, 0),
    revenue_cents: months.reduce((sum, m) => sum + m.revenue_cents, 0),
    months,
  }
}

/** Runs one queued job: the slow work happens here, after the client already has its answer. */
function runJob(id: string) {
  const job = db.get<Job>("SELECT * FROM jobs WHERE id = ? AND status = 'queued'", [id])
  if (!job) return
  db.run("UPDATE jobs SET status = 'running' WHERE id = ?", [id])
  try {
    const report = buildYearReport(job.year)
    db.run("UPDATE jobs SET status = 'done', result = ? WHERE id = ?", [JSON.stringify(report), id])
  } catch (error) {
    db.run("UPDATE jobs SET status = 'failed' WHERE id = ?", [id])
    log.error('report failed', { id, error: String(error) })
  }
}

app.post('/reports', async (c) => {
  const { year } = await c.req.json().catch(() => ({}))
  if (!Number.isInteger(year) || year < 2000 || year > 2100) {
    return c.json({ error: 'year must be a whole number such as 2024' }, 400)
  }
  const id = crypto.randomUUID()
  db.run("INSERT INTO jobs (id, year, status, created_at) VALUES (?, ?, 'queued', ?)", [id, year, clock.now()])
  setTimeout(() => runJob(id), 0) // after this response is sent
  c.header('Location', `/jobs/${id}`)
  return c.json({ jobId: id }, 202)
})

app.get('/jobs/:id', (c) => {
  const job = db.get<Job>('SELECT * FROM jobs WHERE id = ?', [c.req.param('id')])
  if (!job) return c.json({ error: 'no such job' }, 404)
  if (job.status === 'done') return c.json({ status: job.status, result: JSON.parse(job.result ?? 'null') })
  return c.json({ status: job.status })
})

export default app
