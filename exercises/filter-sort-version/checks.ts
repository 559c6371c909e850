import { defineChecks, type CheckContext, type CheckResponse } from '../../sandbox-server/grading/index.ts'

const LE_GUIN = encodeURIComponent('Ursula K. Le Guin')
/** Compares the titles of a list answer, in order, and shows both lists in full when they differ. */
function expectTitles(t: CheckContext, response: CheckResponse, expected: string[], what: string) {
  const books: unknown = response.json
  const got = Array.isArray(books) ? books.map((book) => String((book as { title?: unknown }).title)) : undefined
  if (got === undefined || got.join('\n') !== expected.join('\n')) {
    t.fail(`${what}. Expected the titles\n  ${expected.join(' | ')}\nbut the answer was\n  ${got ? got.join(' | ') : response.text.slice(0, 200)}`)
  }
}

export default defineChecks([
  {
    name: 'GET /v1/books lists every book as { id, title, author, year }',
    async run(t) {
      const response = await t.request('GET', '/v1/books')
      t.expectStatus(response, 200, 'listing books always works')
      t.expect(response.json, 'the body should be the 7 books in the v1 shape, ordered by id').toHaveLength(7)
      t.expect(response.json[0], 'each book should be { id, title, author, year }: v1 clients rely on exactly these fields').toEqual({
        id: 1,
        title: 'The Left Hand of Darkness',
        author: 'Ursula K. Le Guin',
        year: 1969,
      })
    },
  },
  {
    name: "?author= keeps only that author's books, quotes and all",
    async run(t) {
      const response = await t.request('GET', `/v1/books?author=${LE_GUIN}`)
      t.expectStatus(response, 200, 'filtering by an author is a normal list request')
      expectTitles(
        t,
        response,
        ['The Left Hand of Darkness', 'A Wizard of Earthsea', 'The Dispossessed'],
        '?author=Ursula K. Le Guin should answer only her three books, ordered by id',
      )
      const quoted = await t.request('GET', `/v1/books?author=${encodeURIComponent("Flann O'Brien")}`)
      t.expectJson(quoted, 200, [], "no book is by Flann O'Brien; a 500 means the quote in the name broke the SQL: bind the author with ?")
      const pasted = (await t.db.statements()).filter((sql) => sql.includes('Le Guin') || sql.includes('Flann'))
      t.expect(
        pasted,
        'the author showed up inside your SQL text: only the ORDER BY may be built, from your own strings; bind the author with ?',
      ).toEqual([])
    },
  },
  {
    name: '?sort=year sorts ascending and ?sort=-title descending',
    hint: 1,
    async run(t) {
      const byYear = await t.request('GET', '/v1/books?sort=year')
      t.expectStatus(byYear, 200, 'year is a field clients may sort by')
      expectTitles(
        t,
        byYear,
        ['Dune', 'A Wizard of Earthsea', 'The Left Hand of Darkness', 'The Dispossessed', 'Kindred', 'Neuromancer', 'Parable of the Sower'],
        '?sort=year should answer the oldest first: Dune (1965) to Parable of the Sower (1993)',
      )
      const byTitle = await t.request('GET', '/v1/books?sort=-title')
      t.expectStatus(byTitle, 200, 'title is a field clients may sort by, and "-" asks for descending order')
      expectTitles(
        t,
        byTitle,
        ['The Left Hand of Darkness', 'The Dispossessed', 'Parable of the Sower', 'Neuromancer', 'Kindred', 'Dune', 'A Wizard of Earthsea'],
        '?sort=-title should answer the titles from Z to A: "-title" means title, descending (in SQL, ORDER BY title DESC)',
      )
    },
  },
  {
    name: 'A filter and a sort work together',
    hint: 1,
    async run(t) {
      const response = await t.request('GET', `/v1/books?author=${LE_GUIN}&sort=-year`)
      t.expectStatus(response, 200, 'author and sort can be combined')
      expectTitles(
        t,
        response,
        ['The Dispossessed', 'The Left Hand of Darkness', 'A Wizard of Earthsea'],
        '?author=Ursula K. Le Guin&sort=-year should answer her books, newest first',
      )
    },
  },
  {
    name: 'An unknown sort field answers 400 problem+json naming the allowed fields',
    hint: 1,
    async run(t) {
      const response = await t.request('GET', '/v1/books?sort=price')
      t.expectProblem(response, 400, "books have no price: a sort field that is not on the allow-list is the client's mistake, not a server crash")
      for (const field of ['title', 'author', 'year']) {
        t.expect(String(response.json.detail), `the detail should tell the client which fields it can sort by, including "${field}"`).toContain(field)
      }
    },
  },
  {
    name: 'SQL sent as a sort field is refused, never run',
    weight: 2,
    hint: 2,
    async run(t) {
      const attacks = [
        '(CASE WHEN (SELECT count(*) FROM books) > 5 THEN title ELSE year END)',
        'year DESC, title',
        'id; DROP TABLE books',
        'constructor',
      ]
      for (const attack of attacks) {
        const response = await t.request('GET', `/v1/books?sort=${encodeURIComponent(attack)}`)
        t.expectProblem(
          response,
          400,
          `"${attack}" is not one of the sortable fields; pasted into ORDER BY it would let any client run their own SQL and read data it should not (a blind SQL injection)`,
        )
      }
      t.expect(await t.db.count('books'), 'the books table should still hold its 7 books').toBe(7)
    },
  },
  {
    name: 'GET /v2/books answers { data, count } with publishedYear, while /v1 keeps its shape',
    weight: 2,
    hint: 2,
    async run(t) {
      const response = await t.request('GET', `/v2/books?author=${LE_GUIN}&sort=-publishedYear`)
      t.expectJson(
        response,
        200,
        {
          data: [
            { id: 5, title: 'The Dispossessed', author: 'Ursula K. Le Guin', publishedYear: 1974 },
            { id: 1, title: 'The Left Hand of Darkness', author: 'Ursula K. Le Guin', publishedYear: 1969 },
            { id: 3, title: 'A Wizard of Earthsea', author: 'Ursula K. Le Guin', publishedYear: 1968 },
          ],
          count: 3,
        },
        '/v2/books is the new version of the list, and publishedYear is its name for the year; v2 wraps the books in { data, count } and calls the year publishedYear',
      )
      const v1 = await t.request('GET', '/v1/books?sort=-year')
      t.expectStatus(v1, 200, 'v1 must keep working for the clients that already use it')
      t.expect(v1.json[0], 'v1 still answers a plain array of { id, title, author, year }: adding v2 must not change v1').toEqual({
        id: 6,
        title: 'Parable of the Sower',
        author: 'Octavia E. Butler',
        year: 1993,
      })
    },
  },
])
