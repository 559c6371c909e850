import { defineChecks } from '../../sandbox-server/grading/index.ts'

export default defineChecks([
  {
    name: 'GET /notes lists the notes',
    async run(t) {
      const response = await t.request('GET', '/notes')
      t.expectJson(
        response,
        200,
        [
          { id: 1, body: 'Buy oat milk' },
          { id: 2, body: 'Call the dentist' },
        ],
        'listing notes always works; the body should be the array of notes',
      )
    },
  },
  {
    name: 'GET /notes/:id answers one note',
    async run(t) {
      const response = await t.request('GET', '/notes/2')
      t.expectJson(response, 200, { id: 2, body: 'Call the dentist' }, 'note 2 exists; the body should be that note')
    },
  },
  {
    name: 'GET /notes/:id answers 404 for a missing note',
    hint: 1,
    async run(t) {
      const response = await t.request('GET', '/notes/999')
      t.expectStatus(response, 404, 'there is no note 999')
    },
  },
  {
    name: 'POST /notes creates a note: 201, the note, a Location header, a row',
    hint: 2,
    async run(t) {
      const response = await t.request('POST', '/notes', { json: { body: 'Water the plants' } })
      t.expectJson(response, 201, { id: 3, body: 'Water the plants' }, 'a new note was created; the body should be the new note')
      t.expect(response.headers.get('location'), 'the Location header should point at the new note').toBe('/notes/3')
      const row = await t.db.get('SELECT body FROM notes WHERE id = 3')
      t.expect(row, 'the notes table should have the new row').toEqual({ body: 'Water the plants' })
    },
  },
  {
    name: 'POST /notes rejects an empty note with 400 and stores nothing',
    hint: 1,
    async run(t) {
      const before = await t.db.count('notes')
      const response = await t.request('POST', '/notes', { json: { body: '' } })
      t.expectStatus(response, 400, 'empty notes must be rejected')
      const after = await t.db.count('notes')
      t.expect(after, 'no row should be added for a rejected note').toEqual(before)
    },
  },
  {
    name: 'POST /notes keeps quotes intact (values are bound, not pasted into SQL)',
    hint: 1,
    async run(t) {
      const body = `It's "fine"; DROP TABLE notes; --`
      const response = await t.request('POST', '/notes', { json: { body } })
      t.expectStatus(response, 201, 'any text is a valid note')
      const row = await t.db.get('SELECT body FROM notes WHERE id = ?', [response.json?.id ?? -1])
      t.expect(row, 'the note should be stored exactly as sent').toEqual({ body })
      const pasted = (await t.db.statements()).filter((sql) => sql.includes('DROP TABLE notes'))
      t.expect(pasted, 'the note showed up inside your SQL text: even with quotes escaped by hand, bind it with ? instead').toEqual([])
    },
  },
  {
    name: 'DELETE /notes/:id deletes: 204, then 404 the second time',
    hint: 2,
    async run(t) {
      const first = await t.request('DELETE', '/notes/1')
      t.expectStatus(first, 204, 'note 1 exists and was deleted')
      t.expect(await t.db.get('SELECT id FROM notes WHERE id = 1'), 'note 1 should be gone from the table').toBeUndefined()
      t.expect(
        await t.db.get('SELECT id FROM notes WHERE id = 2'),
        'note 2 should still be there: delete only the note asked for (WHERE id = ?)',
      ).toEqual({
        id: 2,
      })
      const second = await t.request('DELETE', '/notes/1')
      t.expectStatus(second, 404, 'note 1 was already deleted')
    },
  },
])
