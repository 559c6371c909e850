import { Hono } from 'hono'
import { db, log } from 'sandbox'

const app = new Hono()

/** Stands in for a payment provider's API: about 50 ms away, and here it always says yes. */
async function takePayment(itemId: number, quantity: number): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, 50))
  log.info('payment taken', { itemId, quantity })
}

app.get('/items', (c) => {
  return c.json(db.all('SELECT id, name, stock FROM items ORDER BY id'))
})

app.post('/orders', async (c) => {
  const { itemId, quantity } = await c.req.json().catch(() => ({}))
  if (!Number.isInteger(itemId) || !Number.isInteger(quantity) || quantity <= 0) {
    return c.json({ error: 'itemId and quantity must be whole numbers, and quantity at least 1' }, 400)
  }

  // The check and the write are one statement: no other request can change the stock between them.
  const outcome = db.transaction(() => {
    const { changes } = db.run('UPDATE items SET stock = stock - ? WHERE id = ? AND stock >= ?', [quantity, itemId, quantity])
    if (changes === 0) {
      const item = db.get('SELECT id FROM items WHERE id = ?', [itemId])
      return item ? ({ status: 409, error: 'not enough stock left' } as const) : ({ status: 404, error: 'no such item' } as const)
    }
    const { lastInsertRowid } = db.run('INSERT INTO orders (item_id, quantity) VALUES (?, ?)', [itemId, quantity])
    return { status: 201, order: { id: lastInsertRowid, itemId, quantity } } as const
  })
  if (outcome.status !== 201) return c.json({ error: outcome.error }, outcome.status)

  // Slow work comes after the claim: the stock is already ours, whoever else is buying.
  await takePayment(itemId, quantity)
  return c.json(outcome.order, 201)
})

export default app
