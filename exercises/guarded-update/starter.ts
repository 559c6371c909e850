import { Hono } from 'hono'
import { db, log } from 'sandbox'

// items(id, name, stock)   orders(id, item_id, quantity CHECK (quantity > 0))
const app = new Hono()

/** Stands in for a payment provider's API: about 50 ms away, and here it always says yes. */
async function takePayment(itemId: number, quantity: number): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, 50))
  log.info('payment taken', { itemId, quantity })
}

// Every item and how many are left: done for you.
app.get('/items', (c) => {
  return c.json(db.all('SELECT id, name, stock FROM items ORDER BY id'))
})

// Buy: { "itemId": 3, "quantity": 1 } answers 201 with { id, itemId, quantity }.
// It works when one person buys at a time. When two buy the last signed vinyl at once, both
// read "1 left" before either writes, and both get it. Make it answer:
// - 400 when itemId or quantity is not a whole number, or quantity is below 1
// - 404 when the item does not exist
// - 409 when fewer are left than asked for, even when another order is being paid right now
// Take the stock with one guarded UPDATE (WHERE ... AND stock >= ?) and look at its `changes`.
app.post('/orders', async (c) => {
  const { itemId, quantity } = await c.req.json()
  const item = db.get<{ stock: number }>('SELECT stock FROM items WHERE id = ?', [itemId])
  if (!item) return c.json({ error: 'no such item' }, 404)
  if (item.stock < quantity) return c.json({ error: 'not enough stock left' }, 409)

  await takePayment(itemId, quantity)

  db.run('UPDATE items SET stock = ? WHERE id = ?', [item.stock - quantity, itemId])
  const { lastInsertRowid } = db.run('INSERT INTO orders (item_id, quantity) VALUES (?, ?)', [itemId, quantity])
  return c.json({ id: lastInsertRowid, itemId, quantity }, 201)
})

export default app
