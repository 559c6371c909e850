import { Hono } from 'hono'
import { db } from 'sandbox'

// accounts(id, owner, balance CHECK (balance >= 0))
// transfers(id, from_id, to_id, amount CHECK (amount > 0))
// Amounts are whole cents: 2500 is 25.00.
const app = new Hono()

// Every account and its balance: done for you.
app.get('/accounts', (c) => {
  return c.json(db.all('SELECT id, owner, balance FROM accounts ORDER BY id'))
})

// Move money: { "from": 1, "to": 2, "amount": 2500 } answers 201 with the transfer.
// This first version works on a sunny day, but it can create or lose money. Make it answer:
// - 400 when amount is not a whole number of cents above 0, when from or to is not a whole
//   number (an account id), or when from and to are the same account
// - 404 when either account does not exist
// - 409 when the sender does not have enough money
// and in every one of those cases change nothing at all. Use db.transaction.
app.post('/transfers', async (c) => {
  const { from, to, amount } = await c.req.json()
  db.run('UPDATE accounts SET balance = balance + ? WHERE id = ?', [amount, to])
  db.run('UPDATE accounts SET balance = balance - ? WHERE id = ?', [amount, from])
  const { lastInsertRowid } = db.run('INSERT INTO transfers (from_id, to_id, amount) VALUES (?, ?, ?)', [from, to, amount])
  return c.json({ id: lastInsertRowid, from, to, amount }, 201)
})

export default app
