import { Hono } from 'hono'
import { db, crypto, clock } from 'sandbox'

// payments(id TEXT, account, amount (cents), currency, created_at)
// idempotency_keys(key TEXT PRIMARY KEY, request TEXT, status INTEGER, response TEXT, created_at TEXT)
//
// The mobile app sends POST /payments with an Idempotency-Key header (a random id it makes once
// per payment) and sends the very same request again when the network drops before the answer
// arrives. Today every retry charges the customer again. Make POST /payments:
// - answer 400 when the Idempotency-Key header is missing (nothing stored)
// - the first time a key is seen: create the payment, and store the key with the request and
//   the answer (status and JSON body) in idempotency_keys
// - a retry with the same key and the same body: answer exactly what was answered the first
//   time (same status, same body), without creating another payment
// - the same key with a different body: 422, nothing created
const app = new Hono()

const CURRENCIES = ['EUR', 'USD', 'GBP']

app.get('/payments', (c) => {
  return c.json(db.all('SELECT id, account, amount, currency, created_at FROM payments ORDER BY created_at'))
})

app.post('/payments', async (c) => {
  const { account, amount, currency } = await c.req.json().catch(() => ({}))
  if (typeof account !== 'string' || account === '' || !Number.isInteger(amount) || amount <= 0 || !CURRENCIES.includes(currency)) {
    return c.json({ error: 'send { account, amount (whole cents above 0), currency (EUR, USD or GBP) }' }, 400)
  }

  const payment = {
    id: `pay_${crypto.randomToken(9)}`,
    account,
    amount,
    currency,
    created_at: new Date(clock.now()).toISOString(),
  }
  db.run('INSERT INTO payments (id, account, amount, currency, created_at) VALUES (?, ?, ?, ?, ?)', [
    payment.id,
    payment.account,
    payment.amount,
    payment.currency,
    payment.created_at,
  ])
  return c.json(payment, 201)
})

export default app
