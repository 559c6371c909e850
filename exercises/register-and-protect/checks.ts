import { defineChecks } from '../../sandbox-server/grading/index.ts'

const ADA = { username: 'ada', password: 'correct horse battery', phone: '+44 20 7946 0958' }
const GRACE = { username: 'grace', password: 'correct horse battery', phone: '+1 212 555 0143' }
const digits = (text: unknown) => String(text).replace(/\D/g, '')

export default defineChecks([
  {
    name: 'POST /register creates a user',
    async run(t) {
      const response = await t.request('POST', '/register', { json: ADA })
      t.expectJson(
        response,
        201,
        t.expect.objectContaining({ id: t.expect.any(Number), username: 'ada' }),
        'ada is a new user with a long enough password; the body should be { id, username }',
      )
      t.expect(response.text, 'the answer should never echo the password').not.toContain(ADA.password)
    },
  },
  {
    name: 'The password is stored as an argon2id hash, never as plain text',
    weight: 2,
    requires: ['POST /register creates a user'],
    async run(t) {
      const row = await t.db.get('SELECT password_hash FROM users WHERE username = ?', ['ada'])
      const stored = String(row?.password_hash)
      t.expect(stored, 'users.password_hash holds the password itself: anyone with a copy of the database can log in as ada').not.toContain(
        ADA.password,
      )
      t.expect(stored, 'users.password_hash should be crypto.hashPassword(password), a string starting with $argon2id$').toMatch(/^\$argon2id\$/)
    },
  },
  {
    name: 'Two users with the same password get different hashes',
    requires: ['The password is stored as an argon2id hash, never as plain text'],
    hint: 1,
    async run(t) {
      const response = await t.request('POST', '/register', { json: GRACE })
      t.expectStatus(response, 201, 'grace is a new user (with the same password as ada)')
      const rows = await t.db.all('SELECT password_hash FROM users WHERE username IN (?, ?)', ['ada', 'grace'])
      t.expect(rows, 'both users should be stored').toHaveLength(2)
      t.expect(
        rows[0]!.password_hash,
        'a salted hash differs even for the same password, so a leaked table does not show who shares a password: hash with crypto.hashPassword each time',
      ).not.toBe(rows[1]!.password_hash)
    },
  },
  {
    name: 'POST /login accepts the right password and refuses a wrong one',
    requires: ['POST /register creates a user'],
    hint: 1,
    async run(t) {
      const wrong = await t.request('POST', '/login', { json: { username: 'ada', password: 'wrong password' } })
      t.expectStatus(wrong, 401, 'the password is wrong')
      const right = await t.request('POST', '/login', { json: { username: 'ada', password: ADA.password } })
      t.expectStatus(
        right,
        200,
        'the password is the one ada registered with (a hash never equals the password: look the user up by username, then crypto.verifyPassword(hash, password))',
      )
      t.expect(right.json?.token, 'the body should be { token }').toEqual(t.expect.any(String))
      t.state.token = right.json.token
    },
  },
  {
    name: 'The phone number is stored encrypted',
    weight: 2,
    requires: ['POST /register creates a user'],
    hint: 1,
    async run(t) {
      const row = await t.db.get('SELECT phone FROM users WHERE username = ?', ['ada'])
      t.expect(
        digits(row?.phone),
        "users.phone should be crypto.encrypt(phone): the digits of ada's phone number must not be readable in the database",
      ).not.toContain(digits(ADA.phone))
    },
  },
  {
    name: 'GET /me answers the phone number, decrypted',
    requires: ['POST /login accepts the right password and refuses a wrong one'],
    hint: 2,
    async run(t) {
      const response = await t.request('GET', '/me', { bearer: String(t.state.token) })
      t.expectJson(
        response,
        200,
        {
          username: 'ada',
          phone: ADA.phone,
        },
        'the token comes from a successful login; the body should be { username, phone } with the phone as ada typed it (crypto.decrypt)',
      )
    },
  },
  {
    name: 'GET /me without a valid token answers 401',
    async run(t) {
      const missing = await t.request('GET', '/me')
      t.expectStatus(missing, 401, 'there is no Authorization header')
      const madeUp = await t.request('GET', '/me', { bearer: 'not-a-real-token' })
      t.expectStatus(madeUp, 401, 'nobody was given that token')
    },
  },
])
