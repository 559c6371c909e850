import { defineChecks, type CheckContext } from '../../sandbox-server/grading/index.ts'

const stock = async (t: CheckContext, sku: string) => Number((await t.db.get('SELECT stock FROM items WHERE sku = ?', [sku]))?.stock)
/** Calls orderService.place; a rule reported by throwing becomes a failure that says what to return instead. */
async function placeExpectingRefusal(t: CheckContext, input: unknown, reason: string) {
  try {
    return await t.call('orderService.place', input)
  } catch (error) {
    const message = (error as Error).message
    if ((error as Error).name !== 'LearnerModuleError' || message.includes('does not export')) throw error
    t.fail(
      `orderService.place(${JSON.stringify(input)}) threw "${message}"; expected it to return { ok: false, reason: "${reason}" }. A broken rule is an ordinary answer: return it as plain data, and let the route choose the status`,
    )
  }
}

/** True for data an object literal makes; false for undefined, errors, arrays and the like. */
const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && [Object.prototype, null].includes(Object.getPrototypeOf(value))
const show = (value: unknown) => (value instanceof Error ? `an error, "${value.message}"` : value === undefined ? 'undefined' : JSON.stringify(value))
/** The fields of `actual` that differ from `expected`, each with both values; `exact` also reports extra fields. */
const wrongFields = (actual: Record<string, unknown>, expected: Record<string, unknown>, exact: boolean) => [
  ...Object.entries(expected)
    .filter(([field, value]) => actual[field] !== value)
    .map(([field, value]) =>
      field in actual ? `${field} was ${show(actual[field])}, expected ${show(value)}` : `${field} is missing (expected ${show(value)})`,
    ),
  ...(exact
    ? Object.keys(actual)
        .filter((field) => !(field in expected))
        .map((field) => `${field} should not be there (it was ${show(actual[field])})`)
    : []),
]

export default defineChecks([
  {
    name: 'ordersRepo.findItem reads an item from the database',
    async run(t) {
      const mug = await t.call('ordersRepo.findItem', 'mug')
      if (!isPlainObject(mug))
        t.fail(`ordersRepo.findItem("mug") answered ${show(mug)}; it should answer the row from items: { sku, name, price, stock }`)
      const wrong = wrongFields(mug, { sku: 'mug', name: 'Stoneware mug', price: 1200, stock: 2 }, false)
      if (wrong.length > 0)
        t.fail(
          `ordersRepo.findItem("mug") should answer the row from items, { sku, name, price, stock }, but ${wrong.join('; ')}. Select every column it needs`,
        )
      const missing = await t.call('ordersRepo.findItem', 'unicorn')
      t.expect(
        missing ?? undefined,
        'ordersRepo.findItem("unicorn") should answer undefined (there is no such row), not throw: deciding what a missing item means is the service\'s job',
      ).toBeUndefined()
    },
  },
  {
    name: 'orderService.place places a valid order and answers plain data',
    weight: 2,
    hint: 1,
    async run(t) {
      const result = await t.call('orderService.place', { item: 'mug', quantity: 2 })
      t.expect(
        result,
        'orderService.place({ item: "mug", quantity: 2 }) should answer { ok: true, order: { id, item, quantity, total } } with total 2400 (2 × 1200): plain data, no status code, no Response',
      ).toEqual({
        ok: true,
        order: { id: t.expect.any(Number), item: 'mug', quantity: 2, total: 2400 },
      })
      const row = await t.db.get('SELECT sku, quantity, total FROM orders WHERE id = ?', [result.order.id])
      t.expect(row, 'the orders table should hold the order the service placed, under the id it answered').toEqual({
        sku: 'mug',
        quantity: 2,
        total: 2400,
      })
      t.expect(await stock(t, 'mug'), 'the two mugs should be taken from stock (2 → 0)').toBe(0)
    },
  },
  {
    name: 'orderService.place answers { ok: false, reason } for each broken rule and writes nothing',
    weight: 2,
    hint: 1,
    async run(t) {
      const ordersBefore = await t.db.count('orders')
      const teaBefore = await stock(t, 'tea')
      const cases: [unknown, string, string][] = [
        [{ item: 'tea', quantity: 0 }, 'invalid_quantity', 'you cannot order 0 of something'],
        [{ item: 'tea', quantity: 1.5 }, 'invalid_quantity', 'tea is sold in whole packets'],
        [{ item: 'tea', quantity: '2' }, 'invalid_quantity', 'a quantity is a number, not the text "2"'],
        [{ item: 'unicorn', quantity: 1 }, 'unknown_item', 'the shop sells no unicorns'],
        [{ item: 'kettle', quantity: 1 }, 'out_of_stock', 'there are 0 kettles in stock'],
        [{ item: 'tea', quantity: teaBefore + 1 }, 'out_of_stock', `there are only ${teaBefore} packets of tea`],
      ]
      for (const [input, reason, why] of cases) {
        const result = await placeExpectingRefusal(t, input, reason)
        const call = `orderService.place(${JSON.stringify(input)})`
        if (!isPlainObject(result)) {
          t.fail(
            `${call} answered ${show(result)}; expected { ok: false, reason: "${reason}" } because ${why}. Return the failure as plain data: a thrown error or a class instance does not reach the caller as data`,
          )
        }
        const wrong = wrongFields(result, { ok: false, reason }, true)
        if (wrong.length > 0) t.fail(`${call} should answer { ok: false, reason: "${reason}" } because ${why}, but ${wrong.join('; ')}`)
      }
      t.expect(await t.db.count('orders'), 'a refused order must not insert a row into orders').toBe(ordersBefore)
      t.expect(await stock(t, 'tea'), 'a refused order must not change the stock').toBe(teaBefore)
    },
  },
  {
    name: 'POST /orders still answers 201 with the order',
    hint: 2,
    async run(t) {
      const teaBefore = await stock(t, 'tea')
      const response = await t.request('POST', '/orders', { json: { item: 'tea', quantity: 5 } })
      t.expectJson(
        response,
        201,
        {
          id: t.expect.any(Number),
          item: 'tea',
          quantity: 5,
          total: 2025,
        },
        'there are enough packets of tea: the order is placed; the body should be the order; 5 or more get 10% off, so the total is 2025 (5 × 450 = 2250, minus 225)',
      )
      const row = await t.db.get('SELECT sku, quantity, total FROM orders WHERE id = ?', [response.json.id])
      t.expect(row, 'the orders table should hold the order').toEqual({ sku: 'tea', quantity: 5, total: 2025 })
      t.expect(await stock(t, 'tea'), 'five packets should be taken from stock').toBe(teaBefore - 5)
    },
  },
  {
    name: 'POST /orders turns each reason into its status: 400, 404, 409',
    weight: 2,
    hint: 2,
    async run(t) {
      const before = await t.db.count('orders')
      const cases: [unknown, number, string][] = [
        [{ item: 'tea', quantity: 0 }, 400, 'the service answers invalid_quantity: the client sent something it must fix'],
        [{ item: 'unicorn', quantity: 1 }, 404, 'the service answers unknown_item: there is no such item'],
        [{ item: 'kettle', quantity: 1 }, 409, "the service answers out_of_stock: the request is fine but clashes with the shop's current state"],
      ]
      for (const [json, status, because] of cases) {
        const response = await t.request('POST', '/orders', { json })
        t.expectJson(
          response,
          status,
          t.expect.objectContaining({ error: t.expect.any(String) }),
          `${because}; explain the refusal in { "error": "..." }`,
        )
      }
      const broken = await t.request('POST', '/orders', { body: 'item=tea', headers: { 'content-type': 'text/plain' } })
      t.expectStatus(broken, 400, "a body that is not JSON is the route's problem to refuse, before the service is called")
      t.expect(await t.db.count('orders'), 'refused requests must not insert orders').toBe(before)
    },
  },
  {
    name: 'An order whose INSERT fails takes nothing from stock',
    hint: 2,
    async run(t) {
      const teaBefore = await stock(t, 'tea')
      // The INSERT fails as a full disk would, after the stock was taken: both must be undone.
      await t.db.failStatement({ matching: 'INSERT INTO orders' })
      const response = await t.request('POST', '/orders', { json: { item: 'tea', quantity: 1 } })
      t.expect(response.status, 'the INSERT INTO orders was made to fail, so the order cannot answer 201').not.toBe(201)
      t.expect(
        await stock(t, 'tea'),
        'no order was recorded, so no tea may leave the stock: keep the UPDATE and the INSERT of saveOrder in one db.transaction',
      ).toBe(teaBefore)
    },
  },
])
