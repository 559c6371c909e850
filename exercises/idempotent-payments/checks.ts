import { defineChecks, type CheckContext } from '../../sandbox-server/grading/index.ts'

const PAYMENT = { account: 'acct_ada', amount: 2500, currency: 'EUR' }
const withKey = (key: string, json: unknown) => ({ headers: { 'Idempotency-Key': key }, json })

/** The fields of a replayed body that differ from the first answer, each with both values. */
const differences = (body: unknown, first: unknown): string[] => {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    return [`the body was ${JSON.stringify(body)}, not an object like the first answer`]
  const got = body as Record<string, unknown>
  const want = (first ?? {}) as Record<string, unknown>
  return [...new Set([...Object.keys(want), ...Object.keys(got)])]
    .filter((field) => JSON.stringify(got[field]) !== JSON.stringify(want[field]))
    .map((field) => {
      if (!(field in got)) return `${field} is missing (the first answer had ${JSON.stringify(want[field])})`
      if (!(field in want)) return `${field} is new (${JSON.stringify(got[field])}); the first answer had none`
      return `${field} was ${JSON.stringify(got[field])}, the first answer had ${JSON.stringify(want[field])}`
    })
}

export default defineChecks([
  {
    name: 'POST /payments with an Idempotency-Key creates one payment',
    async run(t) {
      const response = await t.request('POST', '/payments', withKey('key-first-try', PAYMENT))
      t.expectJson(
        response,
        201,
        { id: t.expect.any(String), ...PAYMENT, created_at: t.expect.any(String) },
        'this is the first request with this key: the payment is made; the body should be the payment',
      )
      t.expect(await t.db.count('payments'), 'the payments table should hold exactly this one payment').toBe(1)
      t.state.first = response.json
    },
  },
  {
    name: 'A retry with the same key replays the first answer and charges nothing',
    weight: 3,
    hint: 1,
    requires: ['POST /payments with an Idempotency-Key creates one payment'],
    async run(t) {
      for (const [wait, when] of [
        [30_000, 'half a minute'],
        [5 * 60_000, 'five more minutes'],
      ] as const) {
        t.clock.advance(wait) // the phone retries a little later, after a timeout
        const retry = await t.request('POST', '/payments', withKey('key-first-try', PAYMENT))
        t.expect(await t.db.count('payments'), 'a retry must not charge the customer a second time: there should still be 1 payment').toBe(1)
        t.expectStatus(retry, 201, 'a retry gets the same status as the first answer, so the app cannot tell it apart from the original')
        const changed = differences(retry.json, t.state.first)
        if (changed.length > 0) {
          t.fail(
            `The retry with the same key ${when} later answered a different body: ${changed.join('; ')}. A retry gets the first answer byte for byte: replay the stored response instead of building a new one`,
          )
        }
      }
    },
  },
  {
    name: 'A new key is a new payment',
    async run(t) {
      const before = await t.db.count('payments')
      const response = await t.request('POST', '/payments', withKey('key-second-payment', PAYMENT))
      t.expectStatus(response, 201, 'a different key means the customer really paid twice, on purpose')
      t.expect(response.json?.id, 'a new payment gets a new id').not.toBe((t.state.first as { id?: string } | undefined)?.id)
      t.expect(await t.db.count('payments'), 'the payments table should hold one more payment').toBe(before + 1)
    },
  },
  {
    name: 'The same key with a different body answers 422 and changes nothing',
    weight: 2,
    hint: 2,
    requires: ['POST /payments with an Idempotency-Key creates one payment'],
    async run(t) {
      const before = await t.db.count('payments')
      const response = await t.request('POST', '/payments', withKey('key-first-try', { ...PAYMENT, amount: 250000 }))
      t.expect(await t.db.count('payments'), 'a key that was already used must not create a payment, whatever the body').toBe(before)
      t.expectJson(
        response,
        422,
        { error: t.expect.any(String) },
        'this key already stands for a payment of 2500, so 250000 under the same key is a client bug, not a retry; explain it in { "error": "..." }',
      )
      const original = await t.request('POST', '/payments', withKey('key-first-try', PAYMENT))
      t.expectStatus(original, 201, 'the key still stands for the first payment, so a retry with its body replays the first answer')
      const changed = differences(original.json, t.state.first)
      if (changed.length > 0) {
        const overwritten = (original.json as { amount?: unknown } | undefined)?.amount === 250000
        t.fail(
          overwritten
            ? `After the refused request, the key replays the refused payment of 250000: ${changed.join('; ')}. A refused request must not overwrite what the key stores`
            : `After the refused request, a retry with the first body should still get the first answer, but ${changed.join('; ')}. Replay the stored response as it is`,
        )
      }
    },
  },
  {
    name: 'POST /payments without an Idempotency-Key answers 400',
    hint: 1,
    async run(t) {
      const before = await t.db.count('payments')
      const response = await t.request('POST', '/payments', { json: PAYMENT })
      t.expectJson(
        response,
        400,
        { error: t.expect.any(String) },
        'without a key a retry cannot be recognised, so this API requires one (a header, not part of the body); say what is missing in { "error": "..." }',
      )
      t.expect(await t.db.count('payments'), 'a refused request must not create a payment').toBe(before)
    },
  },
  {
    name: 'An invalid payment answers 400 even with a key',
    hint: 1,
    async run(t) {
      const before = await t.db.count('payments')
      const response = await t.request('POST', '/payments', withKey('key-invalid', { ...PAYMENT, amount: -500 }))
      t.expectStatus(response, 400, 'a negative amount is never a valid payment')
      t.expect(await t.db.count('payments'), 'a refused request must not create a payment').toBe(before)
    },
  },
])
