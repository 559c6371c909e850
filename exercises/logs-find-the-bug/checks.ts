import { defineChecks, type CheckContext, type CheckResponse } from '../../sandbox-server/grading/index.ts'

type Money = { subtotal: number; discount: number; shipping: number; total: number }

/** Compares a quote's money field by field, so a failure names the first number that is off. */
const expectMoney = (t: CheckContext, response: CheckResponse, expected: Money, because: string) => {
  t.expectStatus(response, 200, 'the cart is valid')
  for (const field of ['subtotal', 'discount', 'shipping', 'total'] as const) {
    const cents = expected[field]
    t.expect(response.json?.[field], `${because}, so the ${field} should be ${cents} (${(cents / 100).toFixed(2)}).`).toBe(cents)
  }
}

const STEPS = ['quote requested', 'line priced', 'line priced', 'line priced', 'subtotal', 'discount applied', 'shipping', 'total']

const TICKET_CART = [
  { sku: 'TEE', qty: 1 },
  { sku: 'MUG', qty: 1 },
  { sku: 'PIN', qty: 2 },
]

export default defineChecks([
  {
    name: 'A cart without a code adds the lines and shipping',
    async run(t) {
      const small = await t.request('POST', '/quote', { json: { items: [{ sku: 'MUG', qty: 2 }] } })
      t.expectJson(
        small,
        200,
        {
          lines: [{ sku: 'MUG', qty: 2, lineTotal: 2400 }],
          subtotal: 2400,
          discount: 0,
          shipping: 499,
          total: 2899,
        },
        'two mugs are a valid cart; two mugs are 24.00, plus 4.99 shipping',
      )
      const big = await t.request('POST', '/quote', { json: { items: [{ sku: 'TEE', qty: 3 }] } })
      t.expect(big.json?.total, 'three T-shirts are 60.00, and shipping is free from 50.00').toBe(6000)
    },
  },
  {
    name: 'A percent code takes its percentage off',
    async run(t) {
      const response = await t.request('POST', '/quote', {
        json: {
          items: [
            { sku: 'TEE', qty: 2 },
            { sku: 'CAP', qty: 1 },
          ],
          code: 'WELCOME10',
        },
      })
      expectMoney(
        t,
        response,
        { subtotal: 5500, discount: 550, shipping: 499, total: 5449 },
        '55.00 minus 10% is 49.50, under 50.00, so shipping is 4.99',
      )
    },
  },
  {
    name: 'Ticket #1042: SAVE5 on a 38.00 order costs 37.99',
    weight: 2,
    hint: 1,
    async run(t) {
      const response = await t.request('POST', '/quote', { json: { items: TICKET_CART, code: 'SAVE5' } })
      expectMoney(
        t,
        response,
        { subtotal: 3800, discount: 500, shipping: 499, total: 3799 },
        'SAVE5 is 5.00 off, so 38.00 - 5.00 + 4.99 shipping = 37.99 (compare with the "discount applied" log line)',
      )
    },
  },
  {
    name: 'Every amount code takes its amount off, never more than the subtotal',
    hint: 2,
    requires: ['Ticket #1042: SAVE5 on a 38.00 order costs 37.99'],
    async run(t) {
      const spring = await t.request('POST', '/quote', { json: { items: [{ sku: 'MUG', qty: 1 }], code: 'SPRING3' } })
      expectMoney(
        t,
        spring,
        { subtotal: 1200, discount: 300, shipping: 499, total: 1399 },
        'SPRING3 is 3.00 off: 12.00 - 3.00 + 4.99 shipping = 13.99 (the fix must work for every amount code, not only SAVE5)',
      )
      const pin = await t.request('POST', '/quote', { json: { items: [{ sku: 'PIN', qty: 1 }], code: 'SAVE5' } })
      expectMoney(
        t,
        pin,
        { subtotal: 300, discount: 300, shipping: 499, total: 499 },
        'SAVE5 on a 3.00 pin takes only 3.00 off (a discount never goes below zero), so the customer pays the 4.99 shipping',
      )
      const free = await t.request('POST', '/quote', {
        json: {
          items: [
            { sku: 'TEE', qty: 2 },
            { sku: 'CAP', qty: 1 },
          ],
          code: 'SAVE5',
        },
      })
      expectMoney(t, free, { subtotal: 5500, discount: 500, shipping: 0, total: 5000 }, '55.00 - 5.00 is exactly 50.00, which ships free')
    },
  },
  {
    name: 'Unknown products and codes answer 400',
    async run(t) {
      const product = await t.request('POST', '/quote', { json: { items: [{ sku: 'SOCK', qty: 1 }] } })
      t.expectStatus(product, 400, 'there is no product SOCK')
      const code = await t.request('POST', '/quote', { json: { items: [{ sku: 'MUG', qty: 1 }], code: 'FREE100' } })
      t.expectStatus(code, 400, 'there is no discount code FREE100')
      const qty = await t.request('POST', '/quote', { json: { items: [{ sku: 'MUG', qty: 0 }] } })
      t.expectStatus(qty, 400, 'a quantity of 0 is not an order')
    },
  },
  {
    name: 'Every step still writes its structured log line',
    hint: 2,
    requires: ['Ticket #1042: SAVE5 on a 38.00 order costs 37.99'],
    async run(t) {
      await t.request('POST', '/quote', { json: { items: TICKET_CART, code: 'SAVE5' } })
      const lines = t.logs().filter((entry) => entry.level === 'info')
      const steps = lines.map((entry) => entry.message)
      t.expect(
        [...new Set(STEPS)].filter((step) => !steps.includes(step)),
        'keep every log.info line, the next bug will need them too; these steps wrote no line',
      ).toEqual([])
      if (steps.join(' > ') !== STEPS.join(' > ')) {
        t.fail(`The log lines should be, in order: ${STEPS.join(' > ')}. They were: ${steps.join(' > ')}`)
      }
      const discount = lines.find((entry) => entry.message === 'discount applied')
      t.expect(
        discount?.fields,
        'the "discount applied" line should carry { code, kind, value, discount } with the corrected discount',
      ).toMatchObject({
        code: 'SAVE5',
        kind: 'amount',
        value: 500,
        discount: 500,
      })
      const total = lines.find((entry) => entry.message === 'total')
      t.expect(total?.fields, 'the "total" line should carry { total } and agree with the answer').toEqual({ total: 3799 })
    },
  },
])
