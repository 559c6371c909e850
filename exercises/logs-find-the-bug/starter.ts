import { Hono } from 'hono'
import { db, log } from 'sandbox'

// products(sku, name, price), discount_codes(code, kind 'percent' | 'amount', value)
// All money is whole cents. POST /quote prices a cart:
//   { "items": [{ "sku": "MUG", "qty": 2 }], "code": "WELCOME10" }   (code is optional)
// -> { lines: [{ sku, qty, lineTotal }], subtotal, discount, shipping, total }
// Shipping is 4.99, free when the total after the discount is 50.00 or more.
// Every step writes a structured log line: read them in the response panel.
//
// Support ticket #1042: "A customer used the code SAVE5 (5.00 off) on a 38.00 order
// (1 TEE, 1 MUG, 2 PIN) and paid 4.99 in total. The code WELCOME10 works fine."
const app = new Hono()

type Item = { sku: string; qty: number }
type DiscountCode = { code: string; kind: 'percent' | 'amount'; value: number }

const FREE_SHIPPING_FROM = 5000
const SHIPPING = 499

// Cents off the subtotal for a code. A discount never takes the total below zero.
function discountFor(code: DiscountCode, subtotal: number): number {
  let off = 0
  switch (code.kind) {
    case 'amount':
      off = code.value
    case 'percent':
      off = Math.round((subtotal * code.value) / 100)
      break
  }
  return Math.min(off, subtotal)
}

const isItem = (item: unknown): item is Item =>
  typeof item === 'object' &&
  item !== null &&
  typeof (item as Item).sku === 'string' &&
  Number.isInteger((item as Item).qty) &&
  (item as Item).qty > 0

app.post('/quote', async (c) => {
  const body = await c.req.json().catch(() => null)
  const items: unknown = body?.items
  const codeName: unknown = body?.code
  if (!Array.isArray(items) || items.length === 0 || !items.every(isItem)) {
    return c.json({ error: 'items must be a non-empty list of { sku, qty }' }, 400)
  }
  log.info('quote requested', { items: items.length, code: codeName ?? null })

  const lines = []
  for (const { sku, qty } of items) {
    const product = db.get<{ price: number }>('SELECT price FROM products WHERE sku = ?', [sku])
    if (!product) return c.json({ error: `unknown product ${sku}` }, 400)
    const lineTotal = product.price * qty
    log.info('line priced', { sku, qty, unitPrice: product.price, lineTotal })
    lines.push({ sku, qty, lineTotal })
  }

  const subtotal = lines.reduce((sum, line) => sum + line.lineTotal, 0)
  log.info('subtotal', { subtotal })

  let discount = 0
  if (codeName !== undefined && codeName !== null) {
    const code = db.get<DiscountCode>('SELECT code, kind, value FROM discount_codes WHERE code = ?', [String(codeName)])
    if (!code) return c.json({ error: `unknown discount code ${String(codeName)}` }, 400)
    discount = discountFor(code, subtotal)
    log.info('discount applied', { code: code.code, kind: code.kind, value: code.value, discount })
  }

  const afterDiscount = subtotal - discount
  const shipping = afterDiscount >= FREE_SHIPPING_FROM ? 0 : SHIPPING
  log.info('shipping', { afterDiscount, shipping })

  const total = afterDiscount + shipping
  log.info('total', { total })
  return c.json({ lines, subtotal, discount, shipping, total })
})

export default app
