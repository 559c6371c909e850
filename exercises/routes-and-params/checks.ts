import { defineChecks } from '../../sandbox-server/grading/index.ts'

const ids = (body: unknown) => (Array.isArray(body) ? body.map((product) => product?.id) : body)

export default defineChecks([
  {
    name: 'GET /products lists every product',
    async run(t) {
      const response = await t.request('GET', '/products')
      t.expectStatus(
        response,
        200,
        "there is no ?limit, and without ?limit you answer every match (check limit only when c.req.query('limit') is not undefined)",
      )
      t.expect(ids(response.json), 'without ?limit, answer every match: the array of all 8 products, in id order').toEqual([1, 2, 3, 4, 5, 6, 7, 8])
    },
  },
  {
    name: 'GET /products?category=books answers only books, and category=book none',
    async run(t) {
      const response = await t.request('GET', '/products?category=books')
      t.expectStatus(response, 200, 'filtering by a category is a normal request, and without ?limit you answer every match')
      t.expect(ids(response.json), 'only products 2, 4 and 6 are books: read c.req.query("category") and filter').toEqual([2, 4, 6])
      const partial = await t.request('GET', '/products?category=book')
      t.expectJson(partial, 200, [], 'no category is called "book": a category matches exactly, so the list is empty')
    },
  },
  {
    name: 'GET /products?limit=3 answers the first three',
    hint: 1,
    async run(t) {
      const response = await t.request('GET', '/products?limit=3')
      t.expectStatus(response, 200, 'a limit of 3 is valid')
      t.expect(ids(response.json), 'limit=3 should answer products 1, 2 and 3').toEqual([1, 2, 3])
      const both = await t.request('GET', '/products?category=hardware&limit=2')
      t.expect(ids(both.json), 'category and limit work together: the first two hardware products are 1 and 3').toEqual([1, 3])
    },
  },
  {
    name: 'GET /products refuses a limit that is not a positive whole number',
    hint: 1,
    async run(t) {
      for (const limit of ['abc', '0', '-2', '1.5']) {
        const response = await t.request('GET', `/products?limit=${limit}`)
        t.expectStatus(response, 400, `"${limit}" is not a whole number of at least 1, so the client made a mistake`)
      }
    },
  },
  {
    name: 'GET /products sends X-Total-Count: the matches before the limit',
    hint: 2,
    async run(t) {
      const response = await t.request('GET', '/products?category=books&limit=1')
      t.expectStatus(response, 200, 'the request is valid')
      t.expect(ids(response.json), 'limit=1 should answer one book').toEqual([2])
      t.expect(
        response.headers.get('x-total-count'),
        'X-Total-Count should be "3": three books matched, even though only one was sent (c.header("X-Total-Count", ...))',
      ).toBe('3')
    },
  },
  {
    name: 'GET /products/:id answers one product',
    hint: 1,
    async run(t) {
      const response = await t.request('GET', '/products/3')
      t.expectJson(
        response,
        200,
        {
          id: 3,
          name: 'USB-C hub',
          category: 'hardware',
          price: 2900,
        },
        'product 3 exists; the body should be product 3 (remember: the id in the path is the string "3")',
      )
    },
  },
  {
    name: 'GET /products/:id answers 404 with { error } for a missing product',
    hint: 1,
    async run(t) {
      for (const id of ['999', 'keyboard']) {
        const response = await t.request('GET', `/products/${id}`)
        t.expectJson(
          response,
          404,
          t.expect.objectContaining({ error: t.expect.any(String) }),
          `there is no product "${id}"; the body should be { error: "..." } saying what was not found`,
        )
      }
    },
  },
  {
    name: 'GET /products/:id lets browsers cache it for a minute',
    hint: 2,
    requires: ['GET /products/:id answers one product'],
    async run(t) {
      const response = await t.request('GET', '/products/5')
      t.expectStatus(response, 200, 'product 5 exists')
      t.expect(response.headers.get('cache-control'), 'the Cache-Control header should be "public, max-age=60"').toBe('public, max-age=60')
    },
  },
])
