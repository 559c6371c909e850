import { Hono } from 'hono'
import { db, clock, log } from 'sandbox'

type Item = { sku: string; name: string; price: number; stock: number }
type Order = { id: number; item: string; quantity: number; total: number }
export type PlaceResult = { ok: true; order: Order } | { ok: false; reason: 'invalid_quantity' | 'unknown_item' | 'out_of_stock' }

// Data access: the only layer that knows SQL and table names.
export const ordersRepo = {
  findItem(sku: string): Item | undefined {
    return db.get<Item>('SELECT sku, name, price, stock FROM items WHERE sku = ?', [sku])
  },
  /** Takes the stock and records the order in one transaction: both happen, or neither. */
  saveOrder(sku: string, quantity: number, total: number): number {
    return db.transaction(() => {
      db.run('UPDATE items SET stock = stock - ? WHERE sku = ?', [quantity, sku])
      return db.run('INSERT INTO orders (sku, quantity, total, created_at) VALUES (?, ?, ?, ?)', [
        sku,
        quantity,
        total,
        new Date(clock.now()).toISOString(),
      ]).lastInsertRowid
    })
  },
}

// Business rules: plain data in, plain data out. No request, no status codes, no SQL.
export const orderService = {
  place(input: { item?: unknown; quantity?: unknown }): PlaceResult {
    const { item, quantity } = input
    if (typeof quantity !== 'number' || !Number.isInteger(quantity) || quantity < 1) return { ok: false, reason: 'invalid_quantity' }
    const found = typeof item === 'string' ? ordersRepo.findItem(item) : undefined
    if (!found) return { ok: false, reason: 'unknown_item' }
    if (found.stock < quantity) return { ok: false, reason: 'out_of_stock' }

    const total = quantity >= 5 ? Math.round(found.price * quantity * 0.9) : found.price * quantity
    const id = ordersRepo.saveOrder(found.sku, quantity, total)
    log.info('order placed', { id, item: found.sku, quantity, total })
    return { ok: true, order: { id, item: found.sku, quantity, total } }
  },
}

// HTTP: parse the request, call the service, translate its answer into a status.
const STATUS = { invalid_quantity: 400, unknown_item: 404, out_of_stock: 409 } as const
const MESSAGE = {
  invalid_quantity: 'quantity must be a whole number of at least 1',
  unknown_item: 'there is no such item',
  out_of_stock: 'not enough of this item in stock',
} as const

const app = new Hono()

app.post('/orders', async (c) => {
  const body = await c.req.json().catch(() => null)
  if (!body || typeof body !== 'object') return c.json({ error: 'send JSON: { "item": "tea", "quantity": 2 }' }, 400)
  const result = orderService.place({ item: body.item, quantity: body.quantity })
  if (!result.ok) return c.json({ error: MESSAGE[result.reason], reason: result.reason }, STATUS[result.reason])
  return c.json(result.order, 201)
})

export default app
