import { Hono } from 'hono'
import { db, cache, clock } from 'sandbox'

// products(id, name, price_cents), orders(id, product_id, quantity): 60,000 orders.
const app = new Hono()

const REPORT_TTL_MS = 60_000

/** The expensive part: reads every order to total the sales of each product. */
function salesReport() {
  const products = db.all(`
    SELECT products.id, products.name, count(*) AS orders, sum(orders.quantity * products.price_cents) AS revenue_cents
    FROM orders JOIN products ON products.id = orders.product_id
    GROUP BY products.id
    ORDER BY revenue_cents DESC, products.id`)
  return { generatedAt: new Date(clock.now()).toISOString(), products }
}

// The dashboard calls this on every page view. Serve it from the cache: look under a key
// such as 'report:sales' first, and only on a miss compute it and cache it for REPORT_TTL_MS.
app.get('/reports/sales', (c) => {
  return c.json(salesReport())
})

// { product_id, quantity } -> 201 { id }. A new order changes the report: make sure the next
// GET /reports/sales does not serve the old one from the cache.
app.post('/orders', async (c) => {
  const { product_id, quantity } = await c.req.json().catch(() => ({}))
  if (!Number.isInteger(product_id) || !Number.isInteger(quantity) || quantity < 1) {
    return c.json({ error: 'product_id and quantity must be whole numbers, quantity at least 1' }, 400)
  }
  if (!db.get('SELECT id FROM products WHERE id = ?', [product_id])) {
    return c.json({ error: 'no such product' }, 404)
  }
  const { lastInsertRowid } = db.run('INSERT INTO orders (product_id, quantity) VALUES (?, ?)', [product_id, quantity])
  return c.json({ id: lastInsertRowid }, 201)
})

export default app
