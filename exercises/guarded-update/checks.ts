import { defineChecks, type CheckContext } from '../../sandbox-server/grading/index.ts'

const order = (t: CheckContext, itemId: unknown, quantity: unknown) => t.request('POST', '/orders', { json: { itemId, quantity } })
/** Every item's stock as one readable line: "Tour poster 10, Front-row ticket 2, Signed vinyl 1". */
const stocks = async (t: CheckContext) => {
  const rows = await t.db.all('SELECT name, stock FROM items ORDER BY id')
  return rows.map((row) => `${row.name} ${row.stock}`).join(', ')
}
/** Items whose stock plus what was ordered is not what they started with: sold twice, or lost. */
const miscounted = (t: CheckContext) =>
  t.db.all(
    `WITH start (id, stock) AS (VALUES (1, 10), (2, 2), (3, 1))
     SELECT i.name, i.stock, s.stock AS started_with, coalesce((SELECT sum(quantity) FROM orders WHERE item_id = i.id), 0) AS ordered
     FROM items i JOIN start s ON s.id = i.id
     WHERE i.stock + coalesce((SELECT sum(quantity) FROM orders WHERE item_id = i.id), 0) != s.stock`,
  )

/** Sends an order that must be refused with `status`, and fails if any stock or order changed. */
async function expectRefused(t: CheckContext, { itemId, quantity }: { itemId: unknown; quantity: unknown }, status: number, because: string) {
  const before = await stocks(t)
  const orders = await t.db.count('orders')
  const response = await order(t, itemId, quantity)
  t.expect(await stocks(t), `no stock may change when an order is refused (quantity ${JSON.stringify(quantity)})`).toBe(before)
  t.expect(await t.db.count('orders'), 'a refused order must not be recorded: look at the UPDATE’s changes before you INSERT').toBe(orders)
  t.expectStatus(response, status, because)
}

const SELLS = 'POST /orders sells an item and lowers its stock'
const GUARDED = 'The stock is taken by one guarded UPDATE, not written back from JavaScript'

export default defineChecks([
  {
    name: SELLS,
    async run(t) {
      const response = await order(t, 1, 3)
      t.expectJson(response, 201, { id: 1, itemId: 1, quantity: 3 }, '10 posters are left and this order is for 3; the body should be the order')
      t.expect(await stocks(t), '7 posters should be left').toBe('Tour poster 7, Front-row ticket 2, Signed vinyl 1')
      const row = await t.db.get('SELECT item_id, quantity FROM orders WHERE id = 1')
      t.expect(row, 'the orders table should hold the order').toEqual({ item_id: 1, quantity: 3 })
    },
  },
  {
    name: 'Ordering more than is left answers 409 and changes nothing',
    hint: 1,
    async run(t) {
      await expectRefused(
        t,
        { itemId: 2, quantity: 3 },
        409,
        'only 2 front-row tickets are left and this order asks for 3: the request is fine, the stock is not (409 Conflict)',
      )
    },
  },
  {
    name: 'An unknown item answers 404 and changes nothing',
    hint: 1,
    async run(t) {
      await expectRefused(
        t,
        { itemId: 999, quantity: 1 },
        404,
        'there is no item 999; an UPDATE that changed no row cannot tell "no such item" from "not enough left": ask with a SELECT which one it was',
      )
    },
  },
  {
    name: 'A quantity that is not a whole number above 0 answers 400 and changes nothing',
    async run(t) {
      const cases: [string, unknown][] = [
        ['a negative quantity would put stock back on the shelf: stock - (-2) is stock + 2', -2],
        ['an order for 0 items is not an order', 0],
        ['nobody buys 1.5 posters', 1.5],
        ['the quantity must be a number, not the text "2"', '2'],
      ]
      for (const [because, quantity] of cases) await expectRefused(t, { itemId: 1, quantity }, 400, because)
    },
  },
  {
    name: GUARDED,
    weight: 2,
    hint: 1,
    requires: [SELLS],
    async run(t) {
      const response = await order(t, 1, 1)
      t.expectStatus(response, 201, '7 posters are left and this order is for 1')
      const statements = await t.db.statements()
      const updates = statements.map((sql) => sql.replace(/\s+/g, ' ').trim()).filter((sql) => /^update\s+items\b/i.test(sql))
      if (updates.length === 0) return t.fail('the order ran no UPDATE items statement: take the stock with UPDATE items SET stock = stock - ? ...')
      for (const sql of updates) {
        t.expect(
          /\bset\s+stock\s*=\s*\(?\s*stock\s*-/i.test(sql),
          `your app ran "${sql}": it writes back a stock your code worked out from an earlier SELECT. Any order that lands in between is lost. Here SQLite serialises your writes, but the same code on PostgreSQL loses updates even inside a transaction. Let the database do the arithmetic: SET stock = stock - ?`,
        ).toBe(true)
        t.expect(
          /\bwhere\b.*\bstock\b/i.test(sql),
          `your app ran "${sql}": nothing in its WHERE makes sure enough stock is left, so the check happens earlier, in JavaScript, where another order can slip in after it. Put the check in the same statement: WHERE id = ? AND stock >= ?, then look at changes`,
        ).toBe(true)
      }
    },
  },
  {
    name: 'Two orders at the same moment both count',
    weight: 2,
    hint: 1,
    requires: [SELLS],
    async run(t) {
      const before = Number((await t.db.get('SELECT stock FROM items WHERE id = 1'))?.stock)
      // Both requests are in your app at once: one waits for its payment while the other reads.
      const answers = await Promise.all([order(t, 1, 2), order(t, 1, 2)])
      for (const answer of answers) t.expectStatus(answer, 201, `${before} posters were left and each of the two orders asks for 2`)
      const after = Number((await t.db.get('SELECT stock FROM items WHERE id = 1'))?.stock)
      t.expect(
        after,
        `two orders for 2 posters each were sold, so ${before - 4} should be left, not ${after}: both requests read ${before} before either wrote, and the second write erased the first (a lost update)`,
      ).toBe(before - 4)
      t.expect(await miscounted(t), 'every item’s stock plus its orders should be what it started with').toEqual([])
    },
  },
  {
    name: 'Two buyers, one signed vinyl: one order wins, the other gets 409',
    weight: 2,
    hint: 2,
    requires: [SELLS],
    async run(t) {
      const answers = await Promise.all([order(t, 3, 1), order(t, 3, 1)])
      const statuses = answers.map((answer) => answer.status).sort()
      const sold = Number((await t.db.get('SELECT count(*) AS n FROM orders WHERE item_id = 3'))?.n)
      if (sold > 1 || statuses.every((status) => status === 201))
        return t.fail(
          `one signed vinyl was left and two orders arrived at once: it was sold ${sold} times (answers ${statuses.join(' and ')}). Either both requests read "1 left" before either took it (check and take in one guarded UPDATE: … WHERE id = ? AND stock >= ?), or the UPDATE that changed no row was followed by an INSERT anyway (look at its changes)`,
        )
      t.expect(statuses, 'exactly one of the two orders should get the last vinyl (201), the other 409').toEqual([201, 409])
      t.expect(await stocks(t), 'no vinyl should be left, and never fewer than none').toMatch(/Signed vinyl 0$/)
      t.expect(await miscounted(t), 'every item’s stock plus its orders should be what it started with').toEqual([])
    },
  },
  {
    name: 'An order that cannot be recorded gives its stock back',
    hint: 2,
    requires: [SELLS],
    async run(t) {
      const before = await stocks(t)
      // The INSERT fails as a full disk would: the stock taken just before must come back with it.
      await t.db.failStatement({ matching: 'INSERT INTO orders' })
      const response = await order(t, 2, 1)
      t.expect(response.status, 'the INSERT of this order was made to fail, so it cannot answer 201').not.toBe(201)
      t.expect(
        await stocks(t),
        'the order was never recorded, so the ticket it took must be back on sale: run the UPDATE and the INSERT inside db.transaction(() => { ... })',
      ).toBe(before)
    },
  },
])
