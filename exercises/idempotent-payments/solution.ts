import { Hono } from 'hono'
import { db, crypto, clock, log } from 'sandbox'

const app = new Hono()

const CURRENCIES = ['EUR', 'USD', 'GBP']

// Only successful creations are stored, so a stored status is always 201.
type StoredKey = { request: string; status: 201; response: string }

app.get('/payments', (c) => {
  return c.json(db.all('SELECT id, account, amount, currency, created_at FROM payments ORDER BY created_at'))
})

app.post('/payments', async (c) => {
  const key = c.req.header('Idempotency-Key')
  if (!key) return c.json({ error: 'the Idempotency-Key header is required' }, 400)

  const { account, amount, currency } = await c.req.json().catch(() => ({}))
  if (typeof account !== 'string' || account === '' || !Number.isInteger(amount) || amount <= 0 || !CURRENCIES.includes(currency)) {
    return c.json({ error: 'send { account, amount (whole cents above 0), currency (EUR, USD or GBP) }' }, 400)
  }
  // What this request asks for, in a fixed order, to compare with a retry.
  const request = JSON.stringify({ account, amount, currency })

  // Look up the key and create the payment in one transaction: both rows are written, or neither.
  const outcome = db.transaction(() => {
    const seen = db.get<StoredKey>('SELECT request, status, response FROM idempotency_keys WHERE key = ?', [key])
    if (seen) {
      if (seen.request !== request)
        return { replay: false, status: 422, body: { error: 'this Idempotency-Key was used for a different payment' } } as const
      return { replay: true, status: seen.status, body: JSON.parse(seen.response) } as const
    }
    const createdAt = new Date(clock.now()).toISOString()
    const payment = { id: `pay_${crypto.randomToken(9)}`, account, amount, currency, created_at: createdAt }
    db.run('INSERT INTO payments (id, account, amount, currency, created_at) VALUES (?, ?, ?, ?, ?)', [
      payment.id,
      payment.account,
      payment.amount,
      payment.currency,
      payment.created_at,
    ])
    db.run('INSERT INTO idempotency_keys (key, request, status, response, created_at) VALUES (?, ?, ?, ?, ?)', [
      key,
      request,
      201,
      JSON.stringify(payment),
      createdAt,
    ])
    return { replay: false, status: 201, body: payment } as const
  })

  if (outcome.replay) {
    log.info('replayed a payment for a retried request', { key })
    c.header('Idempotent-Replayed', 'true')
  }
  return c.json(outcome.body, outcome.status)
})

export default app
