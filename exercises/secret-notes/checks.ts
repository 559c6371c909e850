import { defineChecks } from '../../sandbox-server/grading/index.ts'

const SECRET = 'Dear diary, I am going to quit my job in March. Nobody knows yet.'
const TELLTALE = 'quit my job'

export default defineChecks([
  {
    name: 'POST /notes answers 201 with the new note id',
    async run(t) {
      const response = await t.request('POST', '/notes', { json: { body: SECRET } })
      t.expectJson(response, 201, { id: t.expect.any(Number) }, 'a note was saved; the body should be { "id": <the new note id> }')
      t.state.id = response.json.id
    },
  },
  {
    name: 'The notes table holds no readable text',
    requires: ['POST /notes answers 201 with the new note id'],
    hint: 1,
    async run(t) {
      const row = await t.db.get('SELECT body FROM notes WHERE id = ?', [Number(t.state.id)])
      if (!row) return t.fail('the note that POST /notes answered is not in the notes table')
      const stored = String(row.body)
      if (stored.includes(TELLTALE)) {
        return t.fail(
          `the notes table holds the diary entry as plain text ("${stored.slice(0, 40)}..."): anyone who can read the database can read it. Store crypto.encrypt(body) instead`,
        )
      }
      const decoded = Buffer.from(stored.replace(/-/g, '+').replace(/_/g, '/'), 'base64').toString('utf8')
      if (decoded.includes(TELLTALE)) {
        return t.fail('the note is only base64-encoded: encoding is not encryption, anyone can decode it without a key. Use crypto.encrypt(body)')
      }
    },
  },
  {
    name: 'GET /notes/:id answers the note decrypted',
    requires: ['POST /notes answers 201 with the new note id'],
    hint: 2,
    async run(t) {
      const response = await t.request('GET', `/notes/${Number(t.state.id)}`)
      t.expectJson(
        response,
        200,
        { id: Number(t.state.id), body: SECRET },
        'the note was just saved; the body should be { id, body } with the text the user wrote: the owner must be able to read their note, so decrypt it with crypto.decrypt before answering',
      )
    },
  },
  {
    name: 'The same text encrypted twice is stored differently',
    requires: ['The notes table holds no readable text'],
    hint: 1,
    async run(t) {
      const first = await t.request('POST', '/notes', { json: { body: 'Remember the milk' } })
      const second = await t.request('POST', '/notes', { json: { body: 'Remember the milk' } })
      t.expectStatus(second, 201, 'a note was saved')
      const rows = await t.db.all('SELECT body FROM notes WHERE id IN (?, ?)', [Number(first.json?.id), Number(second.json?.id)])
      t.expect(rows.length, 'both notes should be in the notes table').toBe(2)
      t.expect(
        rows[0]!.body === rows[1]!.body,
        'two notes with the same text should not look the same in the table, or someone could spot repeated notes without a key. crypto.encrypt mixes in a random nonce each time, so use it rather than your own encoding',
      ).toBe(false)
    },
  },
  {
    name: 'POST /notes without a body answers 400 and stores nothing',
    async run(t) {
      const before = await t.db.count('notes')
      t.expectStatus(await t.request('POST', '/notes', { json: { body: '' } }), 400, 'an empty note is not a note')
      t.expectStatus(await t.request('POST', '/notes', { json: {} }), 400, 'a note needs a body')
      t.expect(await t.db.count('notes'), 'no row should be added for a rejected note').toBe(before)
    },
  },
  {
    name: 'GET /notes/:id answers 404 for a note that does not exist',
    async run(t) {
      const response = await t.request('GET', '/notes/9999')
      t.expectStatus(response, 404, 'there is no note 9999: check that the row exists before you decrypt it')
    },
  },
])
