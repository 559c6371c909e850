import { Hono } from 'hono'
import { db, cache, clock } from 'sandbox'

const app = new Hono()

const REPORT_KEY = 'report:sales'
const REPORT_TTL_MS = 60_000

type SalesReport = { generatedAt: string; products: unknown[] }

function salesReport(): SalesReport {
  const products = db.all(`
    SELECT products.id, products.name, count(*) AS orders, sum(orders.quantity * products.price_cents) AS revenue_cents
    FROM orders JOIN products ON products.id = orders.product_id
    GROUP BY products.id
    ORDER BY revenue_cents DESC, products.id`)
  return { generatedAt: new Date(clock.now()).toISOString(), products }
}

app.get('/reports/sales', (c) => {
  let report = cache.get<SalesReport>(REPORT_KEY)
  if (report === null) {
    report = salesReport()
    cache.set(REPORT_KEY, report, { ttlMs: REPORT_TTL_MS })
  }
  return c.json(report)
})

app.post('/orders', async (c) => {
  const { product_id, quantity } = await c.req.json().catch(() => ({}))
  if (!Number.isInteger(product_id) || !Number.isInteger(quantity) || quantity < 1) {
    return c.json({ error: 'product_id and quantity must be whole numbers, quantity at least 1' }, 400)
  }
  if (!db.get('SELECT id FROM products WHERE id = ?', [product_id])) {
    return c.json({ error: 'no such product' }, 404)
  }
  const { lastInsertRowid } = db.run('INSERT INTO orders (product_id, quantity) VALUES (?, ?)', [product_id, quantity])
  cache.delete(REPORT_KEY)
  return c.json({ id: lastInsertRowid }, 201)
})

export default app
