import { defineChecks, type CheckContext } from '../../sandbox-server/grading/index.ts'

const REPORT_SQL = `
  SELECT products.id, products.name, count(*) AS orders, sum(orders.quantity * products.price_cents) AS revenue_cents
  FROM orders JOIN products ON products.id = orders.product_id
  GROUP BY products.id
  ORDER BY revenue_cents DESC, products.id`

/** The change in the cache's counters while `action` runs. */
async function countCache(t: CheckContext, action: () => Promise<unknown>) {
  const before = t.cache.stats()
  await action()
  const after = t.cache.stats()
  return { hits: after.hits - before.hits, misses: after.misses - before.misses }
}

const productIn = (body: any, id: number) => (Array.isArray(body?.products) ? body.products.find((product: any) => product?.id === id) : undefined)

export default defineChecks([
  {
    name: 'GET /reports/sales answers the orders and revenue of each product',
    async run(t) {
      const response = await t.request('GET', '/reports/sales')
      t.expectStatus(response, 200, 'the report always exists')
      t.expect(response.json?.products, 'products should be the totals of every product, best-selling first').toEqual(await t.db.all(REPORT_SQL))
      t.expect(response.json?.generatedAt, 'generatedAt should say when the report was computed').toEqual(t.expect.any(String))
    },
  },
  {
    name: 'A second request within the minute is a cache hit',
    weight: 2,
    requires: ['GET /reports/sales answers the orders and revenue of each product'],
    async run(t) {
      let first: any
      let second: any
      const counted = await countCache(t, async () => {
        first = await t.request('GET', '/reports/sales')
        second = await t.request('GET', '/reports/sales')
      })
      t.expectStatus(second, 200, 'the report always exists')
      t.expect(
        counted.hits,
        'two requests in a row should find the report in the cache at least once: cache.get(key) before computing, cache.set(key, report, { ttlMs }) after',
      ).toBeGreaterThanOrEqual(1)
      t.expect(second.json, 'the cached answer should be the same report, generatedAt included').toEqual(first.json)
    },
  },
  {
    name: 'The report is still served from the cache 30 seconds later',
    requires: ['A second request within the minute is a cache hit'],
    hint: 1,
    async run(t) {
      t.clock.advance(30_000)
      const counted = await countCache(t, () => t.request('GET', '/reports/sales'))
      t.expect(counted, 'after 30 seconds the report should still be cached (a TTL of one minute: { ttlMs: 60_000 })').toEqual({
        hits: 1,
        misses: 0,
      })
    },
  },
  {
    name: 'After one minute the report expires: a miss, then a hit again',
    weight: 2,
    requires: ['A second request within the minute is a cache hit'],
    hint: 1,
    async run(t) {
      t.clock.advance(31_000)
      const expired = await countCache(t, () => t.request('GET', '/reports/sales'))
      t.expect(
        expired,
        'the clock moved past the one-minute TTL, so the first request should miss (and compute a fresh report); is ttlMs set to 60_000?',
      ).toEqual({ hits: 0, misses: 1 })
      const again = await countCache(t, () => t.request('GET', '/reports/sales'))
      t.expect(again, 'the fresh report should be cached again, so the next request is a hit').toEqual({ hits: 1, misses: 0 })
    },
  },
  {
    name: 'POST /orders invalidates the cached report',
    weight: 2,
    hint: 2,
    async run(t) {
      const before = await t.request('GET', '/reports/sales')
      t.expectStatus(before, 200, 'the report always exists')
      const grinder = productIn(before.json, 3)
      t.expect(grinder, 'the report should list the hand grinder (product 3)').toMatchObject({ id: 3 })
      const created = await t.request('POST', '/orders', { json: { product_id: 3, quantity: 2 } })
      t.expectStatus(created, 201, 'two hand grinders is a valid order')
      const after = await t.request('GET', '/reports/sales')
      t.expectStatus(after, 200, 'the report always exists')
      const counted = productIn(after.json, 3)
      if (counted?.orders === grinder.orders) {
        t.fail(
          `GET /reports/sales right after POST /orders still said orders: ${grinder.orders} for the hand grinder; expected ${grinder.orders + 1}. ` +
            'The old report came from the cache: call cache.delete(key) after the INSERT.',
        )
      }
      t.expect(counted, 'the report right after the order should count it (1 more order, 2 x 5900 more cents)').toMatchObject({
        orders: grinder.orders + 1,
        revenue_cents: grinder.revenue_cents + 2 * 5900,
      })
    },
  },
  {
    name: 'POST /orders refuses a bad order with 400 or 404 and stores nothing',
    async run(t) {
      const before = await t.db.count('orders')
      const cases: [unknown, number, string][] = [
        [{ product_id: 999, quantity: 1 }, 404, 'there is no product 999'],
        [{ product_id: 3, quantity: 0 }, 400, 'a quantity is at least 1'],
        [{ product_id: '3', quantity: 1 }, 400, 'product_id is a whole number, not text'],
      ]
      for (const [json, status, because] of cases) {
        t.expectJson(
          await t.request('POST', '/orders', { json }),
          status,
          { error: t.expect.any(String) },
          `${because}; the body should be { error }`,
        )
      }
      t.expect(await t.db.count('orders'), 'a refused order must not be stored').toBe(before)
    },
  },
])
