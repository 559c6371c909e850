import { Hono } from 'hono'
import { db, crypto, clock, log } from 'sandbox'

// orders(id, placed_on 'YYYY-MM-DD', total_cents): 30,000 orders from 2023 to 2025.
// jobs(id TEXT PRIMARY KEY, year, status 'queued' | 'running' | 'done' | 'failed', result TEXT, created_at)
const app = new Hono()

/** The accountant's yearly report: orders and revenue per month. Slow on purpose. */
function buildYearReport(year: number) {
  const months = db.all<{ month: string; orders: number; revenue_cents: number }>(
    `SELECT substr(placed_on, 1, 7) AS month, count(*) AS orders, sum(total_cents) AS revenue_cents
     FROM orders WHERE placed_on LIKE ? GROUP BY month ORDER BY month`,
    [`${year}-%`],
  )
  // A stand-in for the slow part of a real report (laying out a PDF, asking a partner's API):
  // 300 ms of busy work here; in production this can take minutes.
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

// { year } -> the report. The client waits while it is built, and a slower report would time
// out. Instead: store a 'queued' job, answer 202 { jobId } with a Location: /jobs/<id> header
// right away, and build the report after answering (then save it in the job's row).
app.post('/reports', async (c) => {
  const { year } = await c.req.json().catch(() => ({}))
  if (!Number.isInteger(year) || year < 2000 || year > 2100) {
    return c.json({ error: 'year must be a whole number such as 2024' }, 400)
  }
  const report = buildYearReport(year)
  return c.json(report, 200)
})

// TODO: GET /jobs/:id -> { status } while the job is queued or running,
// { status: 'done', result: <the report> } once it is done, and 404 for an unknown id.

export default app
