import { defineChecks } from '../../sandbox-server/grading/index.ts'

const ids = (body: unknown) => {
  const items = (body as { items?: unknown } | undefined)?.items
  return Array.isArray(items) ? items.map((article) => article?.id) : items
}
/** The ids from `first` down to `last`. */
const down = (first: number, last: number) => Array.from({ length: first - last + 1 }, (_, i) => first - i)

export default defineChecks([
  {
    name: 'GET /articles answers the first 20 articles, newest first',
    async run(t) {
      const response = await t.request('GET', '/articles')
      t.expectStatus(response, 200, 'the first page always exists')
      t.expect(ids(response.json), 'without page or pageSize, items should be the 20 newest articles: ids 200 down to 181').toEqual(down(200, 181))
      t.expect(response.json?.items?.[0], 'each item should be { id, title, published_at }').toEqual({
        id: 200,
        title: 'Caching without tears, part 200',
        published_at: '2025-07-19',
      })
      t.expect(response.json, 'the body should say which page this is: page 1, pageSize 20').toMatchObject({ page: 1, pageSize: 20 })
    },
  },
  {
    name: 'GET /articles?page=3&pageSize=5 answers articles 190 to 186',
    hint: 1,
    async run(t) {
      const response = await t.request('GET', '/articles?page=3&pageSize=5')
      t.expectStatus(response, 200, 'page 3 of 5 articles exists')
      t.expect(ids(response.json), 'page 3 skips the first 2 pages (10 articles) and takes 5: OFFSET (page - 1) * pageSize').toEqual(down(190, 186))
      t.expect(response.json, 'page and pageSize should be numbers, as asked').toMatchObject({ page: 3, pageSize: 5 })
    },
  },
  {
    name: 'The answer tells the client how many articles and pages there are',
    hint: 1,
    async run(t) {
      const response = await t.request('GET', '/articles?pageSize=30')
      t.expectJson(
        response,
        200,
        t.expect.objectContaining({
          total: 200,
          totalPages: 7,
        }),
        'a page size of 30 is allowed; total should be 200 (SELECT count(*)) and totalPages 7 (200 / 30, rounded up)',
      )
    },
  },
  {
    name: 'The last page is short and a page after it is empty',
    hint: 2,
    async run(t) {
      const last = await t.request('GET', '/articles?page=7&pageSize=30')
      t.expectStatus(last, 200, 'page 7 of 30 articles is the last page')
      t.expect(ids(last.json), 'the last page holds the 20 oldest articles: ids 20 down to 1').toEqual(down(20, 1))
      const after = await t.request('GET', '/articles?page=8&pageSize=30')
      t.expectJson(
        after,
        200,
        t.expect.objectContaining({ items: [], total: 200, totalPages: 7 }),
        'asking past the end is not an error, there is just nothing there; page 8 should have no items, and still say the total',
      )
    },
  },
  {
    name: 'Invalid page or pageSize values answer 400',
    hint: 1,
    async run(t) {
      const cases: [string, string][] = [
        ['page=0', 'pages start at 1'],
        ['page=-1', 'pages start at 1'],
        ['page=two', '"two" is not a number'],
        ['page=1.5', 'there is no page 1.5'],
        ['pageSize=0', 'a page of 0 articles is useless'],
        ['pageSize=1000', 'pages are at most 100 articles, so nobody can ask for everything at once'],
        ['page=1;DROP TABLE articles', 'that is not a number (and it must never reach the SQL text)'],
      ]
      for (const [query, because] of cases) {
        const response = await t.request('GET', `/articles?${query}`)
        t.expectJson(
          response,
          400,
          t.expect.objectContaining({ error: t.expect.any(String) }),
          `${because}; the body should be { error: "..." } saying what is wrong`,
        )
      }
      t.expect(await t.db.count('articles'), 'the articles table should still hold its 200 rows').toBe(200)
    },
  },
])
