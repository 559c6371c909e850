import { Hono } from 'hono'
import { db } from 'sandbox'

const app = new Hono()

app.get('/accounts', (c) => {
  return c.json(db.all('SELECT id, owner, balance FROM accounts ORDER BY id'))
})

app.post('/transfers', async (c) => {
  const { from, to, amount } = await c.req.json().catch(() => ({}))
  if (!Number.isInteger(amount) || amount <= 0) {
    return c.json({ error: 'amount must be a whole number of cents above 0' }, 400)
  }
  // Ids are whole numbers: "2" would slip past from === to, and SQLite would still find account 2.
  if (!Number.isInteger(from) || !Number.isInteger(to)) return c.json({ error: 'from and to must be account ids (whole numbers)' }, 400)
  if (from === to) return c.json({ error: 'from and to must be different accounts' }, 400)

  // The checks and the writes happen together: either all of it, or none of it.
  const outcome = db.transaction(() => {
    const sender = db.get<{ balance: number }>('SELECT balance FROM accounts WHERE id = ?', [from])
    const receiver = db.get('SELECT id FROM accounts WHERE id = ?', [to])
    if (!sender || !receiver) return { status: 404, error: 'no such account' } as const
    if (sender.balance < amount) return { status: 409, error: 'insufficient funds' } as const

    db.run('UPDATE accounts SET balance = balance - ? WHERE id = ?', [amount, from])
    db.run('UPDATE accounts SET balance = balance + ? WHERE id = ?', [amount, to])
    const { lastInsertRowid } = db.run('INSERT INTO transfers (from_id, to_id, amount) VALUES (?, ?, ?)', [from, to, amount])
    return { status: 201, transfer: { id: lastInsertRowid, from, to, amount } } as const
  })

  if (outcome.status !== 201) return c.json({ error: outcome.error }, outcome.status)
  return c.json(outcome.transfer, 201)
})

export default app
