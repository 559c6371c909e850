import { defineChecks, type CheckContext, type CheckResponse } from '../../sandbox-server/grading/index.ts'

const VALID = { username: 'ada_l', email: 'ada@example.com', password: 'analytical engine', age: 36 }

/** The fields a 400 answer names, sorted, after checking the { errors: [{ field, message }] } shape. */
function namedFields(t: CheckContext, response: CheckResponse): string[] {
  t.expect(response.json, 'the body should be { "errors": [{ "field": "...", "message": "..." }] }').toEqual({
    errors: t.expect.any(Array),
  })
  const errors = response.json.errors as unknown[]
  for (const error of errors) {
    t.expect(error, 'each error should be { field, message } with two strings, the message saying what to fix').toEqual({
      field: t.expect.any(String),
      message: t.expect.stringMatching(/\S/),
    })
  }
  return errors.map((error) => (error as { field: string }).field).sort()
}

/** Sends a form, expects 400 naming exactly `fields`, and that no user was stored. */
async function expectRejected(t: CheckContext, form: unknown, fields: string[], because: string) {
  const before = await t.db.count('users')
  const response = await t.request('POST', '/signup', { json: form })
  t.expectStatus(response, 400, because)
  const named = namedFields(t, response)
  if (named.join() !== fields.join()) {
    t.fail(
      `POST /signup answered errors for the fields ${JSON.stringify(named)}; they should name exactly ${fields.map((f) => `"${f}"`).join(' and ')}, ` +
        'once each, and no field that is fine',
    )
  }
  t.expect(await t.db.count('users'), 'a rejected sign-up must not be stored in the users table').toBe(before)
}

export default defineChecks([
  {
    name: 'A valid sign-up answers 201 and stores the user',
    async run(t) {
      const response = await t.request('POST', '/signup', { json: VALID })
      t.expectJson(
        response,
        201,
        {
          id: t.expect.any(Number),
          username: 'ada_l',
          email: 'ada@example.com',
        },
        'every field of this form follows the rules; the body should be { id, username, email }, never the password',
      )
      const row = await t.db.get('SELECT username, email, age, password_hash FROM users WHERE username = ?', ['ada_l'])
      t.expect(
        row,
        'the users table should hold the new user, with password_hash from crypto.hashPassword (it starts $argon2id$), never the password',
      ).toEqual({
        username: 'ada_l',
        email: 'ada@example.com',
        age: 36,
        password_hash: t.expect.stringMatching(/^\$argon2id\$/),
      })
      const pasted = (await t.db.statements()).filter((sql) => sql.includes('ada_l'))
      t.expect(pasted, 'the username showed up inside your SQL text: bind the values with ? instead of pasting them in').toEqual([])
    },
  },
  {
    name: 'A too-short or malformed username answers 400 naming the username',
    hint: 1,
    async run(t) {
      await expectRejected(t, { ...VALID, username: 'al' }, ['username'], 'a username needs at least 3 characters')
      await expectRejected(t, { ...VALID, username: 'Ada Lovelace!' }, ['username'], 'a username is lowercase letters, digits or _ only')
    },
  },
  {
    name: 'A bad email and a short password are both named',
    hint: 1,
    async run(t) {
      await expectRejected(
        t,
        { ...VALID, username: 'grace_h', email: 'grace.example.com', password: 'short' },
        ['email', 'password'],
        '"grace.example.com" has no @ and "short" has fewer than 8 characters: tell the user about both at once, not one per try',
      )
    },
  },
  {
    name: 'The age must be a whole number of at least 13',
    hint: 1,
    async run(t) {
      await expectRejected(t, { ...VALID, username: 'kid', age: 12 }, ['age'], 'users must be 13 or older')
      await expectRejected(t, { ...VALID, username: 'textage', age: '30' }, ['age'], 'age must be a number, and "30" is text')
      await expectRejected(t, { ...VALID, username: 'halfage', age: 30.5 }, ['age'], 'age must be a whole number')
    },
  },
  {
    name: 'An empty form names every field, once each',
    hint: 2,
    async run(t) {
      await expectRejected(
        t,
        {},
        ['age', 'email', 'password', 'username'],
        'all four fields are missing; TypeBox reports two problems for each (missing, and not the right type), but the user needs one message per field',
      )
    },
  },
  {
    name: 'A username that is taken answers 409 naming the username, not 500',
    requires: ['A valid sign-up answers 201 and stores the user'],
    async run(t) {
      const before = await t.db.count('users')
      const response = await t.request('POST', '/signup', { json: { ...VALID, email: 'someone.else@example.com' } })
      t.expectJson(
        response,
        409,
        { errors: [{ field: 'username', message: t.expect.stringMatching(/\S/) }] },
        'ada_l signed up in the first check: the form is valid but clashes with a stored user, which is 409 Conflict (the UNIQUE constraint throws; a 500 would say the server broke); keep the try/catch around the INSERT, and the body should be { "errors": [{ "field": "username", "message": "..." }] }',
      )
      t.expect(await t.db.count('users'), 'nothing should be stored').toBe(before)
    },
  },
  {
    name: 'Two sign-ups for one username at the same moment: the second answers 409, not 500',
    requires: ['A username that is taken answers 409 naming the username, not 500'],
    description:
      'Another sign-up for grace_h is stored just before the app INSERTs its own (t.db.interleave), as a second request would be between a SELECT and an INSERT; expects 409 naming the username and one grace_h',
    async run(t) {
      const before = await t.db.count('users')
      await t.db.interleave({
        before: 'INSERT INTO users',
        sql: "INSERT INTO users (username, email, password_hash, age) VALUES ('grace_h', 'grace@example.net', 'x', 40)",
      })
      const response = await t.request('POST', '/signup', { json: { ...VALID, username: 'grace_h', email: 'grace@example.com' } })
      t.expectJson(
        response,
        409,
        { errors: [{ field: 'username', message: t.expect.stringMatching(/\S/) }] },
        'another request stored grace_h between your check for the name and your INSERT (two people pressing "Sign up" together): only the UNIQUE constraint sees that, so the INSERT itself must be where a taken name becomes 409; a SELECT first cannot be trusted',
      )
      t.expect(await t.db.count('users'), 'the other request’s grace_h is stored, and nothing more').toBe(before + 1)
    },
  },
  {
    name: 'A body that is not JSON answers 400, not 500',
    hint: 2,
    async run(t) {
      const before = await t.db.count('users')
      const response = await t.request('POST', '/signup', { body: 'username=ada', headers: { 'content-type': 'application/x-www-form-urlencoded' } })
      t.expectJson(
        response,
        400,
        { errors: t.expect.any(Array) },
        `a body that is not JSON is the client's mistake (400), not a crash of the server (500); c.req.json() throws on it; the body should still be { "errors": [...] }`,
      )
      t.expect(await t.db.count('users'), 'nothing should be stored').toBe(before)
    },
  },
])
