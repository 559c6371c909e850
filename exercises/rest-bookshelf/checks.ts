import { defineChecks } from '../../sandbox-server/grading/index.ts'

const NEW_BOOK = { isbn: '9780062315007', title: 'The Alchemist', author: 'Paulo Coelho' }

export default defineChecks([
  {
    name: 'GET /books lists the shelf',
    async run(t) {
      const response = await t.request('GET', '/books')
      t.expectStatus(response, 200, 'listing books always works')
      t.expect(response.json, 'the body should be the three books of the shelf, each { id, isbn, title, author }, by id').toEqual(
        await t.db.all('SELECT id, isbn, title, author FROM books ORDER BY id'),
      )
    },
  },
  {
    name: 'POST /books answers 201 with a Location header that leads to the new book',
    weight: 2,
    hint: 1,
    async run(t) {
      const response = await t.request('POST', '/books', { json: NEW_BOOK })
      t.expectJson(
        response,
        201,
        { id: t.expect.any(Number), ...NEW_BOOK },
        'a book was created, and 201 Created says exactly that; the body should be the new book with its id',
      )
      const location = response.headers.get('location')
      if (location === null) return t.fail(`a 201 answer should have a Location header with the new book's URL, here /books/${response.json.id}`)
      t.expect(location, 'Location should be the path of the new book').toBe(`/books/${response.json.id}`)
      const created = await t.request('GET', location)
      t.expectJson(
        created,
        200,
        response.json,
        `a client follows Location to read the book it just created; it should be the book that was just created`,
      )
      const pasted = (await t.db.statements()).filter((sql) => sql.includes(NEW_BOOK.title))
      t.expect(pasted, 'the title showed up inside your SQL text: pass the values with ? instead of pasting them in').toEqual([])
    },
  },
  {
    name: 'GET /books/:id for an unknown id answers 404 problem+json',
    hint: 0,
    async run(t) {
      const response = await t.request('GET', '/books/999')
      t.expectProblem(response, 404, 'there is no book 999')
    },
  },
  {
    name: 'A book that is already on the shelf answers 409 problem+json',
    hint: 2,
    async run(t) {
      const before = await t.db.count('books')
      const response = await t.request('POST', '/books', { json: { isbn: '9780441013593', title: 'Dune (again)', author: 'Frank Herbert' } })
      t.expectProblem(
        response,
        409,
        'ISBN 9780441013593 (Dune) is already on the shelf: the request is well formed but conflicts with what is stored, which is 409 Conflict, not a 500 crash',
      )
      t.expect(await t.db.count('books'), 'nothing should be stored').toBe(before)
    },
  },
  {
    name: 'A book without a title answers 400 problem+json',
    hint: 1,
    async run(t) {
      const before = await t.db.count('books')
      const response = await t.request('POST', '/books', { json: { isbn: '9780140449136', author: 'Homer' } })
      t.expectProblem(response, 400, 'the title is missing: the client sent an invalid book')
      const empty = await t.request('POST', '/books', { json: { isbn: '9780140449136', title: '  ', author: 'Homer' } })
      t.expectProblem(empty, 400, 'a title of only spaces is no title')
      t.expect(await t.db.count('books'), 'an invalid book must not be stored').toBe(before)
    },
  },
  {
    name: 'DELETE /books/:id answers 204 with no body, and the book is gone',
    hint: 1,
    async run(t) {
      const before = await t.db.count('books')
      const response = await t.request('DELETE', '/books/2')
      t.expectStatus(response, 204, 'the book was deleted and there is nothing left to show: 204 No Content')
      t.expect(response.text, 'a 204 answer has an empty body').toBe('')
      const row = await t.db.get('SELECT id FROM books WHERE id = 2')
      t.expect(row, 'book 2 should no longer be in the books table').toBeUndefined()
      t.expect(await t.db.count('books'), 'only book 2 should be gone: DELETE ... WHERE id = ?').toBe(before - 1)
      const gone = await t.request('GET', '/books/2')
      t.expectStatus(gone, 404, 'book 2 was just deleted')
    },
  },
  {
    name: 'Deleting a book that is not there answers 404 problem+json',
    hint: 2,
    async run(t) {
      const response = await t.request('DELETE', '/books/999')
      t.expectProblem(response, 404, "there is no book 999 to delete; answering success would hide a client's mistake, such as a wrong id")
    },
  },
])
