import { Hono } from 'hono'
import { db, clock, log } from 'sandbox'

// items(sku TEXT PRIMARY KEY, name, price (cents), stock)
// orders(id INTEGER PRIMARY KEY, sku, quantity, total (cents), created_at)
//
// POST /orders works, but HTTP, business rules and SQL are knotted together in one handler.
// Split it into three layers, keeping every behaviour:
//
// 1. export const ordersRepo: the only code that runs SQL, e.g.
//      findItem(sku)  -> { sku, name, price, stock } or undefined
//      saveOrder(...) -> the new order id   (take the stock and insert the order together)
// 2. export const orderService: the rules, no HTTP at all.
//      place({ item, quantity }) returns plain data:
//        { ok: true, order: { id, item, quantity, total } }
//        { ok: false, reason: 'invalid_quantity' | 'unknown_item' | 'out_of_stock' }
// 3. app.post('/orders'): reads the request, calls orderService.place, and turns the result into
//    a status: 201 with the order, 400 invalid_quantity, 404 unknown_item, 409 out_of_stock.
const app = new Hono()

app.post('/orders', async (c) => {
  const body = await c.req.json().catch(() => null)
  if (!body || typeof body !== 'object') return c.json({ error: 'send JSON: { "item": "tea", "quantity": 2 }' }, 400)
  const { item, quantity } = body
  if (!Number.isInteger(quantity) || quantity < 1) {
    return c.json({ error: 'quantity must be a whole number of at least 1' }, 400)
  }
  const row =
    typeof item === 'string'
      ? db.get<{ sku: string; name: string; price: number; stock: number }>('SELECT sku, name, price, stock FROM items WHERE sku = ?', [item])
      : undefined
  if (!row) return c.json({ error: `there is no item ${JSON.stringify(item)}` }, 404)
  if (row.stock < quantity) return c.json({ error: `only ${row.stock} left in stock` }, 409)

  // 5 or more of one item: 10% off, rounded to whole cents.
  let total = row.price * quantity
  if (quantity >= 5) total = Math.round(total * 0.9)

  const id = db.transaction(() => {
    db.run('UPDATE items SET stock = stock - ? WHERE sku = ?', [quantity, row.sku])
    return db.run('INSERT INTO orders (sku, quantity, total, created_at) VALUES (?, ?, ?, ?)', [
      row.sku,
      quantity,
      total,
      new Date(clock.now()).toISOString(),
    ]).lastInsertRowid
  })
  log.info('order placed', { id, item: row.sku, quantity, total })
  return c.json({ id, item: row.sku, quantity, total }, 201)
})

export default app
