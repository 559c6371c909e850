import { defineChecks } from '../../sandbox-server/grading/index.ts'

// Two clients behind the load balancer, which appends the address it saw to X-Forwarded-For.
const ADA = '203.0.113.10'
const BOB = '198.51.100.20'
const from = (forwardedFor: string) => ({ headers: { 'X-Forwarded-For': forwardedFor } })

export default defineChecks([
  {
    name: 'GET /health answers 200',
    async run(t) {
      const response = await t.request('GET', '/health')
      t.expectStatus(response, 200, 'liveness only asks "is the process answering?", and it is')
    },
  },
  {
    name: 'GET /ready answers 200 while the database answers and nothing is draining',
    async run(t) {
      const response = await t.request('GET', '/ready')
      t.expectStatus(response, 200, 'the database answers and the draining setting is 0')
    },
  },
  {
    name: 'While draining, /ready answers 503 and /health still answers 200',
    weight: 2,
    async run(t) {
      const drain = await t.request('PUT', '/admin/draining', { json: { draining: true } })
      t.expectStatus(drain, 200, 'operators drain the instance before a deploy')
      const ready = await t.request('GET', '/ready')
      t.expectStatus(
        ready,
        503,
        'the settings table says draining = 1: the load balancer must stop sending users here (read it from the database in /ready)',
      )
      const health = await t.request('GET', '/health')
      t.expectStatus(health, 200, 'a draining instance is not broken: if /health failed too, the orchestrator would kill it mid-request')
      await t.request('PUT', '/admin/draining', { json: { draining: false } })
      const back = await t.request('GET', '/ready')
      t.expectStatus(back, 200, 'draining was switched off again, so the instance is ready')
    },
  },
  {
    name: 'A client gets 5 requests a minute, then 429 with Retry-After',
    weight: 2,
    hint: 1,
    async run(t) {
      for (let i = 1; i <= 5; i++) {
        const response = await t.request('GET', i % 2 ? '/quotes' : '/quotes/random', from(ADA))
        t.expectStatus(response, 200, `this is request ${i} of the 5 that client ${ADA} may send in a minute`)
      }
      const sixth = await t.request('GET', '/quotes', from(ADA))
      t.expectStatus(sixth, 429, `client ${ADA} already sent 5 requests this minute: 429 Too Many Requests`)
      const retryAfter = sixth.headers.get('retry-after')
      t.expect(retryAfter, 'a 429 should say how many seconds to wait in a Retry-After header, a whole number such as "60"').toMatch(/^\d+$/)
      const seconds = Number(retryAfter)
      if (seconds < 1 || seconds > 60) t.fail(`Retry-After was ${seconds}, but the window is one minute: the client may retry within 1 to 60 seconds`)
      t.expect(sixth.json, 'the 429 should still be JSON the client can show: { "error": "..." }').toEqual({ error: t.expect.any(String) })
      t.state.retryAfter = seconds
    },
  },
  {
    name: 'Each client is counted on its own',
    hint: 1,
    requires: ['A client gets 5 requests a minute, then 429 with Retry-After'],
    async run(t) {
      const response = await t.request('GET', '/quotes', from(BOB))
      t.expectStatus(
        response,
        200,
        `client ${BOB} has not sent anything yet: one busy client must not lock everybody out (count per X-Forwarded-For)`,
      )
    },
  },
  {
    name: 'Writing a fake address into X-Forwarded-For does not escape the limit',
    hint: 2,
    requires: ['A client gets 5 requests a minute, then 429 with Retry-After'],
    async run(t) {
      const response = await t.request('GET', '/quotes', from(`192.0.2.99, ${ADA}`))
      t.expectStatus(
        response,
        429,
        `the client wrote "192.0.2.99" itself and our proxy appended the real address, ${ADA}, which is over its limit: trust only the last entry`,
      )
    },
  },
  {
    name: 'Health and readiness probes are never rate limited',
    requires: ['A client gets 5 requests a minute, then 429 with Retry-After'],
    async run(t) {
      for (const path of ['/health', '/ready', '/health', '/ready']) {
        const response = await t.request('GET', path, from(ADA))
        t.expectStatus(
          response,
          200,
          `probes arrive every few seconds; limiting ${path} would make a healthy instance look dead (limit only /quotes)`,
        )
      }
    },
  },
  {
    name: 'After Retry-After seconds the client may send requests again',
    hint: 2,
    requires: ['A client gets 5 requests a minute, then 429 with Retry-After'],
    async run(t) {
      const seconds = Number(t.state.retryAfter)
      t.clock.advance(seconds * 1000)
      const response = await t.request('GET', '/quotes', from(ADA))
      t.expectStatus(
        response,
        200,
        `the clock moved ${seconds} s forward, as Retry-After promised, so a new minute has begun for ${ADA} (round the seconds left up with Math.ceil: rounded down, the window is not over yet)`,
      )
    },
  },
])
