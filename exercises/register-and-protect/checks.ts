import { defineChecks } from '../../sandbox-server/grading/index.ts'

const ADA = { username: 'ada', password: 'correct horse battery', phone: '+44 20 7946 0958' }
const GRACE = { username: 'grace', password: 'correct horse battery', phone: '+1 212 555 0143' }
const digits = (text: unknown) => String(text).replace(/\D/g, '')

export default defineChecks([
  {
    name: 'POST /register creates a user, and refuses a short password',
    async run(t) {
      const response = await t.request('POST', '/register', { json: ADA })
      t.expectJson(
        response,
        201,
        t.expect.objectContaining({ id: t.expect.any(Number), username: 'ada' }),
        'ada is a new user with a long enough password; the body should be { id, username }',
      )
      t.expect(response.text, 'the answer should never echo the password').not.toContain(ADA.password)
      const pasted = (await t.db.statements()).filter((sql) => sql.includes("'ada'"))
      t.expect(pasted, 'the username showed up inside your SQL text: bind it with ? instead of pasting it in').toEqual([])
      const short = await t.request('POST', '/register', { json: { username: 'bob', password: 'hunter2', phone: '+1 555 0199' } })
      t.expectJson(short, 400, { error: t.expect.any(String) }, 'hunter2 is 7 characters; a password needs at least 8')
      t.expect(await t.db.get('SELECT id FROM users WHERE username = ?', ['bob']), 'a refused sign-up must not add a user').toBeUndefined()
    },
  },
  {
    name: 'A taken username answers 409 and stores nothing',
    requires: ['POST /register creates a user, and refuses a short password'],
    async run(t) {
      const before = await t.db.count('users')
      const response = await t.request('POST', '/register', { json: { ...ADA, phone: '+1 555 0100' } })
      t.expectJson(
        response,
        409,
        { error: t.expect.any(String) },
        'ada is already registered: a conflict with what is stored is 409 (keep the try/catch around the INSERT: the UNIQUE constraint decides)',
      )
      t.expect(await t.db.count('users'), 'a refused sign-up must not add a user').toBe(before)
    },
  },
  {
    name: 'The password is stored as an argon2id hash, never as plain text',
    weight: 2,
    requires: ['POST /register creates a user, and refuses a short password'],
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
    requires: ['POST /register creates a user, and refuses a short password'],
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
      const before = await t.crypto.passwordChecks()
      const unknown = await t.request('POST', '/login', { json: { username: 'mallory', password: 'wrong password' } })
      t.expectJson(unknown, 401, wrong.json, 'there is no user mallory, and that must look exactly like a wrong password')
      t.expect(
        (await t.crypto.passwordChecks()) - before,
        'an unknown username should cost one crypto.verifyPassword too (against NO_SUCH_USER), or the quicker answer tells which usernames exist',
      ).toBe(1)
      const pasted = (await t.db.statements()).filter((sql) => sql.includes("'ada'") || sql.includes("'mallory'"))
      t.expect(pasted, 'the username showed up inside your SQL text: bind it with ? instead of pasting it in').toEqual([])
    },
  },
  {
    name: 'Sessions are stored as a hash of the token, with an expiry',
    requires: ['POST /login accepts the right password and refuses a wrong one'],
    async run(t) {
      const token = String(t.state.token)
      const rows = await t.db.all('SELECT token_hash, expires_at FROM sessions')
      t.expect(rows, 'one login should store one session').toHaveLength(1)
      t.expect(
        JSON.stringify(rows),
        'the sessions table must not hold the token itself: whoever copies the table could log in as everyone (keep startSession storing crypto.sign(token))',
      ).not.toContain(token)
      t.expect(Number(rows[0]!.expires_at), 'a session should end: expires_at is a time in the future, in milliseconds').toBeGreaterThan(
        t.clock.now(),
      )
    },
  },
  {
    name: 'The phone number is stored encrypted',
    weight: 2,
    requires: ['POST /register creates a user, and refuses a short password'],
    hint: 1,
    async run(t) {
      const row = await t.db.get('SELECT phone FROM users WHERE username = ?', ['ada'])
      t.expect(
        digits(row?.phone),
        "users.phone should be crypto.encrypt(phone): the digits of ada's phone number must not be readable in the database",
      ).not.toContain(digits(ADA.phone))
      t.expect(
        digits(Buffer.from(String(row?.phone), 'base64').toString('latin1')),
        "users.phone decodes from base64 to ada's phone number: base64 is an encoding that anyone can undo, not encryption. Use crypto.encrypt(phone), which needs the server's key",
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
      t.expectUnauthorized(missing, 'there is no Authorization header')
      const madeUp = await t.request('GET', '/me', { bearer: 'not-a-real-token' })
      t.expectUnauthorized(madeUp, 'nobody was given that token')
    },
  },
  {
    name: 'A session ends after a day',
    requires: ['GET /me answers the phone number, decrypted'],
    async run(t) {
      t.clock.advance(24 * 60 * 60 * 1000 + 60_000)
      const response = await t.request('GET', '/me', { bearer: String(t.state.token) })
      t.expectUnauthorized(
        response,
        'ada logged in a day and a minute ago (the clock was moved): her session has expired, so a token stolen from her browser is useless by now',
      )
    },
  },
])
