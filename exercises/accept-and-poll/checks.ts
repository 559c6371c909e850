import { defineChecks, type CheckContext } from '../../sandbox-server/grading/index.ts'

const MAX_POLLS = 20
const STATUSES = ['queued', 'running', 'done']

/** What the report for `year` must say, straight from the orders table. */
async function expectedReport(t: CheckContext, year: number) {
  const months = await t.db.all(
    `SELECT substr(placed_on, 1, 7) AS month, count(*) AS orders, sum(total_cents) AS revenue_cents
     FROM orders WHERE placed_on LIKE ? GROUP BY month ORDER BY month`,
    [`${year}-%`],
  )
  return {
    year,
    orders: months.reduce((sum, m) => sum + Number(m.orders), 0),
    revenue_cents: months.reduce((sum, m) => sum + Number(m.revenue_cents), 0),
    months,
  }
}

/** Sends POST /reports and checks the 202 answer; answers the job id. */
async function startReport(t: CheckContext, year: number): Promise<string> {
  const response = await t.request('POST', '/reports', { json: { year } })
  t.expectStatus(response, 202, 'building a report is slow work: answer 202 Accepted right away and build it afterwards')
  const jobId = response.json?.jobId
  t.expect(['string', 'number'], 'the body should be { jobId: "..." }, the id of the new job').toContain(typeof jobId)
  t.expect(response.headers.get('location'), 'a 202 should point to where the result will be: Location: /jobs/<jobId>').toBe(`/jobs/${jobId}`)
  return String(jobId)
}

/** Polls GET /jobs/:id (a bounded number of times, no waiting) until it says done. */
async function pollUntilDone(t: CheckContext, jobId: string) {
  let seen: unknown[] = []
  for (let poll = 1; poll <= MAX_POLLS; poll++) {
    const response = await t.request('GET', `/jobs/${jobId}`)
    t.expectStatus(response, 200, `job ${jobId} exists (POST /reports just created it)`)
    const status = response.json?.status
    t.expect(STATUSES, 'the body should be { status } with status "queued", "running" or "done"').toContain(status)
    seen.push(status)
    if (status === 'done') return response.json
  }
  return t.fail(
    `GET /jobs/${jobId} still answered ${JSON.stringify(seen.slice(-3))} after ${MAX_POLLS} requests: the job never finished. ` +
      'Does something run it after the answer is sent, e.g. setTimeout(() => runJob(id), 0), and set its status to "done"?',
  )
}

/** Expects a finished job's answer to hold the report for `year`, parsed from its JSON text. */
async function expectReportFor(t: CheckContext, job: any, year: number, message: string) {
  if (typeof job?.result === 'string') {
    t.fail(
      `GET /jobs/:id answered a result that is a string (${job.result.slice(0, 30)}...), not an object: ` +
        'parse the stored JSON with JSON.parse(job.result) before answering.',
    )
  }
  t.expect(job, message).toEqual({ status: 'done', result: await expectedReport(t, year) })
}

export default defineChecks([
  {
    name: 'POST /reports answers 202 Accepted with a jobId and a Location header',
    weight: 2,
    async run(t) {
      t.state.jobId = await startReport(t, 2024)
    },
  },
  {
    name: 'The job is stored in the jobs table, under an id no one can guess',
    requires: ['POST /reports answers 202 Accepted with a jobId and a Location header'],
    async run(t) {
      t.expect(
        String(t.state.jobId),
        'anyone who knows a job id can read its report, so ids must not be guessable like 1, 2, 3: use crypto.randomUUID()',
      ).toMatch(/^[\w-]{16,}$/)
      const row = await t.db.get('SELECT year, status FROM jobs WHERE id = ?', [String(t.state.jobId)])
      t.expect(row, `the jobs table should hold a row with id ${String(t.state.jobId)} (the jobId you answered) and year 2024`).toMatchObject({
        year: 2024,
      })
      t.expect(STATUSES, 'its status should be "queued" (or already "running" or "done")').toContain(row?.status)
    },
  },
  {
    name: 'GET /jobs/:id answers the status, then the finished report',
    weight: 2,
    hint: 1,
    requires: ['The job is stored in the jobs table, under an id no one can guess'],
    async run(t) {
      const job = await pollUntilDone(t, String(t.state.jobId))
      await expectReportFor(t, job, 2024, 'a done job should answer { status: "done", result: <the report for 2024> }')
    },
  },
  {
    name: 'POST /reports answers before the report is built',
    weight: 2,
    hint: 1,
    requires: ['GET /jobs/:id answers the status, then the finished report'],
    async run(t) {
      // Timed against the report itself, so a slow machine slows both sides alike.
      const sent = performance.now()
      const jobId = await startReport(t, 2024)
      const posting = Math.round(performance.now() - sent)
      await pollUntilDone(t, jobId)
      const total = Math.round(performance.now() - sent)
      if (posting >= total / 2) {
        t.fail(
          `POST /reports took ${posting} ms to answer, and the report was ready ${total} ms after it was sent: the answer still waits for the report. ` +
            'Insert the job, answer 202, and build the report afterwards (in a setTimeout callback, not in the handler).',
        )
      }
    },
  },
  {
    name: 'An invalid year answers 400 and queues nothing',
    async run(t) {
      const before = await t.db.count('jobs')
      for (const year of ['2024', 'abc', 1999.5, 42]) {
        const response = await t.request('POST', '/reports', { json: { year } })
        t.expectJson(response, 400, { error: t.expect.any(String) }, `${JSON.stringify(year)} is not a year such as 2024`)
      }
      t.expect(await t.db.count('jobs'), 'a refused report must not queue a job').toBe(before)
    },
  },
  {
    name: 'GET /jobs/:id answers 404 for an unknown job',
    async run(t) {
      const response = await t.request('GET', '/jobs/no-such-job')
      t.expectStatus(response, 404, 'no job has the id "no-such-job"')
    },
  },
  {
    name: 'Two reports queued together each get their own result',
    hint: 2,
    requires: ['GET /jobs/:id answers the status, then the finished report'],
    async run(t) {
      const first = await startReport(t, 2023)
      const second = await startReport(t, 2025)
      t.expect(second, 'each POST /reports should create a new job with a new id').not.toBe(first)
      await expectReportFor(t, await pollUntilDone(t, first), 2023, `job ${first} should hold the report for 2023`)
      await expectReportFor(t, await pollUntilDone(t, second), 2025, `job ${second} should hold the report for 2025`)
    },
  },
])
