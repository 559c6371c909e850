import { defineChecks, type CheckContext, type CheckResponse } from '../../sandbox-server/grading/index.ts'

// Clients behind the load balancer, which appends the address it saw to X-Forwarded-For.
const ADA = '203.0.113.10'
const BOB = '198.51.100.20'
const CAROL = '192.0.2.33'
const DAVE = '203.0.113.77'
const ERIN = '198.51.100.45'
const from = (forwardedFor: string) => ({ headers: { 'X-Forwarded-For': forwardedFor } })
const WINDOW_MS = 60_000
const PATHS = ['/rates/USD', '/rates/GBP', '/rates', '/rates/JPY', '/rates/CHF', '/rates/USD']

/**
 * Moves the app's clock to the first millisecond of a minute, so a few requests cannot straddle
 * two minutes, whether the app's windows start on the minute or at a client's first request.
 */
function startOfAMinute(t: CheckContext) {
  t.clock.advance(WINDOW_MS - (t.clock.now() % WINDOW_MS) + 1)
}

/**
 * Moves the app's clock on to the middle of a second, within the same minute: the seconds left
 * in the window are then about x.5, so a Retry-After rounded down is half a second short, more
 * than the time of the requests that follow.
 */
function midSecond(t: CheckContext) {
  const into = t.clock.now() % 1000
  t.clock.advance(into < 500 ? 500 - into : 1500 - into)
}

/** The 429's Retry-After, which must be whole seconds within one window. */
function retryAfterOf(t: CheckContext, response: CheckResponse): number {
  const retryAfter = response.headers.get('retry-after')
  t.expect(retryAfter, 'a 429 should say how many seconds to wait in a Retry-After header, a whole number such as "58"').toMatch(/^\d+$/)
  const seconds = Number(retryAfter)
  if (seconds < 1 || seconds > 60) t.fail(`Retry-After was ${seconds}, but the window is one minute: the client may retry within 1 to 60 seconds`)
  return seconds
}

const LIMITED = 'Across replicas, a client still gets 5 requests a minute'

export default defineChecks([
  {
    name: 'On one copy, a client gets 5 requests a minute, then 429 with Retry-After',
    async run(t) {
      startOfAMinute(t)
      for (const [i, path] of PATHS.slice(0, 5).entries()) {
        t.expectStatus(await t.request('GET', path, from(ADA)), 200, `this is request ${i + 1} of the 5 that client ${ADA} may send in a minute`)
      }
      const sixth = await t.request('GET', PATHS[5]!, from(ADA))
      t.expectStatus(sixth, 429, `client ${ADA} already sent 5 requests this minute: 429 Too Many Requests (RFC 6585)`)
      retryAfterOf(t, sixth)
      t.expect(sixth.json, 'the 429 should still be JSON the client can show: { "error": "..." }').toEqual({ error: t.expect.any(String) })
    },
  },
  {
    name: LIMITED,
    weight: 3,
    hint: 1,
    description:
      'Sends 6 requests from one client with t.restartApp() before each, as if the load balancer sent each to another replica, and expects 200 five times, then 429',
    async run(t) {
      startOfAMinute(t)
      for (const [i, path] of PATHS.entries()) {
        await t.restartApp() // the next request lands on another copy: the module's variables are new
        const response = await t.request('GET', path, from(BOB))
        if (i < 5) t.expectStatus(response, 200, `this is request ${i + 1} of the 5 that client ${BOB} may send in a minute`)
        else {
          t.expectStatus(
            response,
            429,
            `client ${BOB} already sent 5 requests this minute, each to another copy of the app (the checks restarted it before each request): a count kept in a module variable starts from 0 in every copy, so keep it in the rate_limits table that all copies share`,
          )
          retryAfterOf(t, response)
        }
      }
    },
  },
  {
    name: 'The count is added and read in one atomic statement',
    weight: 2,
    hint: 2,
    async run(t) {
      const response = await t.request('GET', '/rates/GBP', from(DAVE))
      t.expectStatus(response, 200, `client ${DAVE} has not sent anything yet`)
      const statements = (await t.db.statements()).filter((sql) => /\brate_limits\b/i.test(sql))
      if (statements.length === 0) {
        t.fail(
          "GET /rates/GBP ran no statement on rate_limits, so the count lives in this copy of the app: in a module variable, or in the sandbox's cache, which survives the checks' restarts but in production is one per copy (and cache.get then cache.set is a read, then a write). Count in the rate_limits table, which stands for the store all replicas share",
        )
      }
      const upsert = statements.find((sql) => /^\s*INSERT\b[\s\S]*\bON\s+CONFLICT\b[\s\S]*\bDO\s+UPDATE\b[\s\S]*\bRETURNING\b/i.test(sql))
      const readOrWrite = statements.find((sql) => /^\s*(SELECT|UPDATE)\b/i.test(sql))
      if (readOrWrite || !upsert) {
        t.fail(
          `The request ran, on rate_limits: ${statements.map((sql) => JSON.stringify(sql.replace(/\s+/g, ' ').trim())).join('; ')}. ${
            readOrWrite
              ? `A separate ${readOrWrite.trim().split(/\s/)[0]!.toUpperCase()} lets two replicas read the same count between the read and the write, and both let the request through.`
              : 'Without RETURNING, the count has to be read in another statement.'
          } Add one and read the new count in a single statement: INSERT ... ON CONFLICT (client, window_start) DO UPDATE SET count = count + 1 RETURNING count`,
        )
      }
      const row = await t.db.get('SELECT count FROM rate_limits WHERE client = ?', [DAVE])
      t.expect(row, `rate_limits should hold one row for ${DAVE} with count 1`).toEqual({ count: 1 })
    },
  },
  {
    name: 'Each client is counted on its own',
    hint: 1,
    requires: [LIMITED],
    async run(t) {
      await t.restartApp()
      t.expectStatus(
        await t.request('GET', '/rates', from(CAROL)),
        200,
        `client ${CAROL} has not sent anything yet: one busy client must not lock everybody out (count per client)`,
      )
    },
  },
  {
    name: 'Writing a fake address into X-Forwarded-For does not escape the limit',
    hint: 1,
    requires: [LIMITED],
    async run(t) {
      await t.restartApp()
      t.expectStatus(
        await t.request('GET', '/rates', from(`192.0.2.99, ${BOB}`)),
        429,
        `the client wrote "192.0.2.99" itself and our proxy appended the real address, ${BOB}, which is over its limit: trust only the last entry`,
      )
    },
  },
  {
    name: 'After Retry-After seconds the client may send requests again',
    hint: 2,
    requires: [LIMITED],
    async run(t) {
      await t.restartApp()
      startOfAMinute(t)
      for (const path of PATHS.slice(0, 5)) t.expectStatus(await t.request('GET', path, from(ERIN)), 200, `client ${ERIN} has 5 requests this minute`)
      midSecond(t)
      const limited = await t.request('GET', PATHS[5]!, from(ERIN))
      t.expectStatus(limited, 429, `client ${ERIN} already sent 5 requests this minute`)
      const seconds = retryAfterOf(t, limited)
      t.clock.advance(seconds * 1000)
      t.expectStatus(
        await t.request('GET', '/rates/USD', from(ERIN)),
        200,
        `the clock moved ${seconds} s forward, as Retry-After promised, so a new window has begun for ${ERIN} (round the seconds left up with Math.ceil: rounded down, the window is not over yet)`,
      )
    },
  },
])
