import { defineChecks, type CheckContext, type CheckResponse } from '../../sandbox-server/grading/index.ts'

// A caller's trace context, as an upstream service (or a browser SDK) would send it.
const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736'
const CALLER_SPAN = '00f067aa0ba902b7'
const VALID = `00-${TRACE_ID}-${CALLER_SPAN}-01`
const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/
const ZEROS = /^0+$/

/** The trace context the app answered with: its trace id and its own span id. */
function answeredContext(t: CheckContext, response: CheckResponse, because: string): { traceId: string; spanId: string; flags: string } {
  const header = response.headers.get('traceparent')
  if (header === null)
    t.fail(`The answer has no traceparent header: ${because}. Set it with c.header('traceparent', \`00-\${traceId}-\${spanId}-01\`)`)
  const match = TRACEPARENT.exec(header)
  if (!match) t.fail(`The answer's traceparent is ${JSON.stringify(header)}, not 00-<32 lowercase hex>-<16 lowercase hex>-<2 hex> (${because})`)
  const [, traceId, spanId, flags] = match as unknown as [string, string, string, string]
  if (ZEROS.test(traceId) || ZEROS.test(spanId)) t.fail(`The answer's traceparent ${header} has an all-zero id, which Trace Context calls invalid`)
  return { traceId, spanId, flags }
}

type Sample = { name: string; labels: Record<string, string>; value: number }
type Exposition = { types: Map<string, string>; samples: Sample[] }

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+-?\d+)?$/
const LABEL = /\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*=\s*"((?:[^"\\]|\\.)*)"\s*(?:,|$)/y

/** Reads the Prometheus text exposition format, failing at the first line it cannot read. */
function parseExposition(t: CheckContext, text: string): Exposition {
  const types = new Map<string, string>()
  const samples: Sample[] = []
  text.split('\n').forEach((raw, index) => {
    const line = raw.trim()
    const where = `line ${index + 1} of /metrics, ${JSON.stringify(raw.slice(0, 120))}`
    if (line === '') return
    if (line.startsWith('#')) {
      const type = /^#\s*TYPE\s+(\S+)\s+(counter|gauge|histogram|summary|untyped)\s*$/.exec(line)
      if (type) types.set(type[1]!, type[2]!)
      else if (/^#\s*TYPE\b/.test(line)) t.fail(`${where}: a TYPE line is "# TYPE <metric> <counter|gauge|histogram|summary|untyped>"`)
      return
    }
    const sample = SAMPLE.exec(line)
    if (!sample) t.fail(`${where} is not a sample: expected name{label="value",...} value`)
    const labels: Record<string, string> = {}
    const text = sample[2] ?? ''
    LABEL.lastIndex = 0
    while (LABEL.lastIndex < text.length) {
      const start = LABEL.lastIndex
      const label = LABEL.exec(text)
      if (!label || LABEL.lastIndex === start) t.fail(`${where}: its labels should read name="value", separated by commas`)
      labels[label[1]!] = label[2]!.replace(/\\(.)/g, (_, char: string) => (char === 'n' ? '\n' : char))
    }
    const value = sample[3] === '+Inf' ? Infinity : sample[3] === '-Inf' ? -Infinity : Number(sample[3])
    if (Number.isNaN(value) && sample[3] !== 'NaN') t.fail(`${where}: ${JSON.stringify(sample[3])} is not a number`)
    samples.push({ name: sample[1]!, labels, value })
  })
  return { types, samples }
}

/** GET /metrics, parsed. */
async function scrape(t: CheckContext): Promise<Exposition> {
  const response = await t.request('GET', '/metrics')
  t.expectStatus(response, 200, 'Prometheus scrapes GET /metrics every few seconds')
  const type = response.headers.get('content-type') ?? '(none)'
  if (!type.startsWith('text/plain')) {
    t.fail(`GET /metrics answered Content-Type ${type}: the Prometheus exposition format is text, served as text/plain; version=0.0.4`)
  }
  return parseExposition(t, response.text)
}

const sameLabels = (a: Record<string, string>, b: Record<string, string>) =>
  Object.keys(a).length === Object.keys(b).length && Object.entries(b).every(([name, value]) => a[name] === value)

/** The value of one series (0 when it does not exist yet: a counter starts at zero). */
const valueOf = (exposition: Exposition, name: string, labels: Record<string, string>) =>
  exposition.samples.find((sample) => sample.name === name && sameLabels(sample.labels, labels))?.value ?? 0

const describeLabels = (labels: Record<string, string>) =>
  `{${Object.entries(labels)
    .map(([name, value]) => `${name}="${value}"`)
    .join(',')}}`

export default defineChecks([
  {
    name: 'A request without traceparent starts a new trace',
    async run(t) {
      const response = await t.request('GET', '/orders/42')
      t.expectStatus(response, 200, 'order 42 exists')
      const first = answeredContext(t, response, 'with no trace to continue, the app starts one and answers its context')
      const again = answeredContext(t, await t.request('GET', '/orders/42'), 'every request is traced')
      t.expect(again.traceId, 'two requests without traceparent are two separate traces: make a new random trace id each time').not.toBe(
        first.traceId,
      )
    },
  },
  {
    name: "A valid traceparent continues the caller's trace with a new span id",
    weight: 2,
    hint: 1,
    async run(t) {
      const response = await t.request('GET', '/orders/42', { headers: { traceparent: VALID } })
      const answered = answeredContext(t, response, 'the caller sent a trace context')
      t.expect(answered.traceId, `the caller's trace id is ${TRACE_ID}: keep it, so this request joins the caller's trace`).toBe(TRACE_ID)
      t.expect(
        answered.spanId,
        `${CALLER_SPAN} is the caller's span; your request is a new span in the same trace, with a new random id of its own`,
      ).not.toBe(CALLER_SPAN)
      t.expect(answered.flags, 'keep the flags the caller sent (01: this trace is sampled)').toBe('01')
    },
  },
  {
    name: 'An invalid traceparent starts a new trace instead',
    weight: 2,
    hint: 1,
    async run(t) {
      const invalid: [string, string][] = [
        [`00-${'0'.repeat(32)}-${CALLER_SPAN}-01`, 'an all-zero trace id is invalid'],
        [`00-${TRACE_ID}-${'0'.repeat(16)}-01`, 'an all-zero parent id is invalid'],
        [`00-${TRACE_ID.slice(0, 30)}-${CALLER_SPAN}-01`, 'a trace id is 32 hex digits, this one has 30'],
        [`ff-${TRACE_ID}-${CALLER_SPAN}-01`, 'version ff is forbidden'],
        [`00-${TRACE_ID.toUpperCase()}-${CALLER_SPAN}-01`, 'ids are lowercase hex'],
        ['hello', 'this is not a trace context at all'],
      ]
      for (const [header, why] of invalid) {
        const response = await t.request('GET', '/orders/42', { headers: { traceparent: header } })
        t.expectStatus(response, 200, 'a bad trace header is no reason to refuse the request: ignore it and start a new trace')
        const answered = answeredContext(t, response, 'a new trace was started')
        if (answered.traceId === TRACE_ID) {
          t.fail(
            `traceparent: ${header} was continued (trace id ${answered.traceId}), but ${why}: ignore it and start a new trace with a new random trace id`,
          )
        }
      }
    },
  },
  {
    name: 'Each request logs one line with its trace id, route, status and duration',
    weight: 2,
    hint: 1,
    async run(t) {
      const cases = [
        { path: '/orders/42', status: 200, span: '1111111111111111' },
        { path: '/orders/999', status: 404, span: '2222222222222222' },
      ]
      for (const { path, status, span } of cases) {
        const traceId = TRACE_ID.slice(0, 16) + span
        const response = await t.request('GET', path, { headers: { traceparent: `00-${traceId}-${span}-01` } })
        t.expectStatus(response, status, path === '/orders/42' ? 'order 42 exists' : 'there is no order 999')
        const { spanId } = answeredContext(t, response, 'the request was traced')
        const lines = t.logs().filter((entry) => entry.fields?.traceId === traceId)
        if (lines.length !== 1) {
          t.fail(
            `GET ${path} (trace ${traceId}) wrote ${lines.length} log lines with fields.traceId = "${traceId}"; expected exactly one, written after the route ran: log.info('request', { traceId, spanId, method, route, status, durationMs })`,
          )
        }
        const [line] = lines
        t.expect(line!.level, 'the request line is an ordinary event: log.info').toBe('info')
        t.expect(
          line!.fields,
          `the log line of GET ${path} should say which trace and span, which route pattern, which status and how long`,
        ).toMatchObject({
          traceId,
          spanId,
          method: 'GET',
          route: '/orders/:id',
          status,
          durationMs: t.expect.any(Number),
        })
        if (!(Number(line!.fields!.durationMs) >= 0))
          t.fail(`durationMs was ${String(line!.fields!.durationMs)}: a duration is a number of milliseconds, 0 or more`)
      }
    },
  },
  {
    name: 'GET /metrics answers the Prometheus text format with a counter and a histogram',
    hint: 2,
    async run(t) {
      await t.request('GET', '/orders/41')
      const { types } = await scrape(t)
      for (const [name, type] of [
        ['http_requests_total', 'counter'],
        ['http_request_duration_seconds', 'histogram'],
      ]) {
        if (types.get(name) !== type) {
          t.fail(
            `GET /metrics should declare "# TYPE ${name} ${type}" before its samples; ${types.has(name) ? `it says ${types.get(name)}` : 'it has no TYPE line for it'}`,
          )
        }
      }
    },
  },
  {
    name: 'http_requests_total counts exactly the requests sent, by method, route pattern and status',
    weight: 2,
    hint: 2,
    requires: ['GET /metrics answers the Prometheus text format with a counter and a histogram'],
    async run(t) {
      const before = await scrape(t)
      const sent: [string, string, Record<string, unknown> | undefined][] = [
        ['GET', '/orders/41', undefined],
        ['GET', '/orders/42', undefined],
        ['GET', '/orders/43', undefined],
        ['GET', '/orders/999', undefined],
        ['GET', '/orders', undefined],
        ['POST', '/orders', { customer: 'Margaret', total_cents: 1250 }],
        ['POST', '/orders', { customer: '' }],
      ]
      for (const [method, path, json] of sent) await t.request(method, path, json === undefined ? {} : { json })
      const after = await scrape(t)
      const expected: [Record<string, string>, number, string][] = [
        [{ method: 'GET', route: '/orders/:id', status: '200' }, 3, 'orders 41, 42 and 43 are three requests to one route'],
        [{ method: 'GET', route: '/orders/:id', status: '404' }, 1, 'order 999 does not exist: errors get their own status label'],
        [{ method: 'GET', route: '/orders', status: '200' }, 1, 'one list request'],
        [{ method: 'POST', route: '/orders', status: '201' }, 1, 'one order created'],
        [{ method: 'POST', route: '/orders', status: '400' }, 1, 'one order refused'],
      ]
      for (const [labels, count, why] of expected) {
        const moved = valueOf(after, 'http_requests_total', labels) - valueOf(before, 'http_requests_total', labels)
        if (moved !== count) {
          const series = after.samples
            .filter((sample) => sample.name === 'http_requests_total')
            .map((sample) => `${describeLabels(sample.labels)} ${sample.value}`)
            .slice(0, 12)
          t.fail(
            `http_requests_total${describeLabels(labels)} moved by ${moved}; expected ${count}: ${why}. The series after the requests: ${series.join('; ') || 'none'}`,
          )
        }
      }
    },
  },
  {
    name: 'Labels use the route pattern, never the raw path',
    hint: 2,
    requires: ['GET /metrics answers the Prometheus text format with a counter and a histogram'],
    async run(t) {
      for (const path of ['/orders/7001', '/orders/7002', '/wp-login.php', '/.env']) await t.request('GET', path)
      const { samples } = await scrape(t)
      const raw = samples.find((sample) => ['/orders/7001', '/orders/7002', '/wp-login.php', '/.env'].includes(sample.labels.route ?? ''))
      if (raw) {
        t.fail(
          `${raw.name}${describeLabels(raw.labels)} has a raw path as its route label: every order id (and every path a scanner tries) would make a new series, and Prometheus would run out of memory. Label with the pattern, c.req.routePath after await next() ("/orders/:id")`,
        )
      }
      const series = samples.filter((sample) => sample.name === 'http_requests_total')
      t.expect(
        series.some((sample) => sample.labels.route === '/orders/:id'),
        'http_requests_total should have series labelled route="/orders/:id"',
      ).toBe(true)
    },
  },
  {
    name: 'The latency histogram is cumulative, and its +Inf bucket equals _count',
    weight: 2,
    hint: 2,
    requires: ['GET /metrics answers the Prometheus text format with a counter and a histogram'],
    async run(t) {
      const series = { method: 'GET', route: '/orders/:id' }
      const before = await scrape(t)
      for (const id of [41, 42]) await t.request('GET', `/orders/${id}`)
      const after = await scrape(t)
      const name = 'http_request_duration_seconds'
      const moved = valueOf(after, `${name}_count`, series) - valueOf(before, `${name}_count`, series)
      t.expect(moved, `${name}_count${describeLabels(series)} should move by 2 after two GET /orders/:id`).toBe(2)
      const buckets = after.samples
        .filter((sample) => sample.name === `${name}_bucket` && sameLabels({ ...sample.labels, le: '' }, { ...series, le: '' }))
        .map((sample) => ({ le: sample.labels.le === '+Inf' ? Infinity : Number(sample.labels.le), text: sample.labels.le, value: sample.value }))
        .sort((a, b) => a.le - b.le)
      if (buckets.length < 2) t.fail(`${name}_bucket${describeLabels(series)} should have a line for each bucket, le="0.005" up to le="+Inf"`)
      const inf = buckets.find((bucket) => bucket.le === Infinity)
      if (!inf) return t.fail(`${name}_bucket has no le="+Inf" bucket: it is required, and holds every request`)
      for (let i = 1; i < buckets.length; i++) {
        if (buckets[i]!.value < buckets[i - 1]!.value) {
          t.fail(
            `le="${buckets[i]!.text}" holds ${buckets[i]!.value} but le="${buckets[i - 1]!.text}" holds ${buckets[i - 1]!.value}: buckets are cumulative, each counts every request at most that long, so they never go down`,
          )
        }
      }
      const count = valueOf(after, `${name}_count`, series)
      t.expect(inf.value, `the le="+Inf" bucket counts every request, so it must equal ${name}_count (${count})`).toBe(count)
      const sum = valueOf(after, `${name}_sum`, series)
      if (!(sum >= 0 && Number.isFinite(sum))) t.fail(`${name}_sum was ${sum}: it adds up the durations, in seconds`)
    },
  },
])
