import { defineChecks } from '../../sandbox-server/grading/index.ts'

const ENTRY = { name: "Siobhán O'Brien", message: 'Found you through a friend. Keep it up!' }

export default defineChecks([
  {
    name: 'GET /entries lists the entries already in the table',
    async run(t) {
      const response = await t.request('GET', '/entries')
      t.expectJson(
        response,
        200,
        [{ id: 1, name: 'Ada', message: 'Lovely little site!' }],
        'listing the guestbook always works; the body should be the rows of the entries table; the table already holds one entry, from Ada',
      )
    },
  },
  {
    name: 'POST /entries stores the entry as a row in the entries table',
    hint: 1,
    async run(t) {
      const response = await t.request('POST', '/entries', { json: ENTRY })
      t.expectStatus(response, 201, 'a new entry was created')
      const row = await t.db.get('SELECT name, message FROM entries WHERE id = 2')
      t.expect(
        row,
        'the entries table should have a second row with this name and message: answering 201 is not enough, the entry must be written with db.run',
      ).toEqual(ENTRY)
      const pasted = (await t.db.statements()).filter((sql) => sql.includes('Found you through a friend'))
      t.expect(pasted, 'the message showed up inside your SQL text: pass it as a value with ? instead of pasting it in').toEqual([])
    },
  },
  {
    name: 'POST /entries answers the new entry with its id',
    requires: ['POST /entries stores the entry as a row in the entries table'],
    hint: 2,
    async run(t) {
      const response = await t.request('POST', '/entries', { json: { name: 'Grace', message: 'Hello from the Navy.' } })
      t.expectJson(
        response,
        201,
        { id: 3, name: 'Grace', message: 'Hello from the Navy.' },
        'a new entry was created; the body should be the new entry, including the id the database gave it (db.run answers it as lastInsertRowid)',
      )
    },
  },
  {
    name: 'GET /entries shows new entries, read back from the database',
    requires: ['POST /entries stores the entry as a row in the entries table'],
    async run(t) {
      const rows = await t.db.all('SELECT id, name, message FROM entries ORDER BY id')
      const response = await t.request('GET', '/entries')
      t.expectJson(response, 200, rows, 'listing the guestbook always works; the list should hold every row of the entries table, oldest first')
    },
  },
])
