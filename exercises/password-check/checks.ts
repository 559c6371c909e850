import { defineChecks } from '../../sandbox-server/grading/index.ts'

const login = (username: string, password: string) => ({ json: { username, password } })

export default defineChecks([
  {
    name: 'The right password answers 200 and who you are',
    async run(t) {
      const response = await t.request('POST', '/login', login('ada', 'correct horse'))
      t.expectJson(response, 200, { username: 'ada' }, '"correct horse" is ada\'s password; the body should name the user who logged in')
    },
  },
  {
    name: 'A wrong password answers 401',
    hint: 1,
    async run(t) {
      const response = await t.request('POST', '/login', login('ada', 'incorrect horse'))
      t.expectJson(
        response,
        401,
        { error: t.expect.any(String) },
        `the password does not match ada's stored hash, so the server cannot tell who is asking; the body should be { "error": "..." }`,
      )
    },
  },
  {
    name: "Each user has their own password: grace gets in with hers, not with ada's",
    hint: 2,
    async run(t) {
      const right = await t.request('POST', '/login', login('grace', 'sesame'))
      t.expectJson(right, 200, { username: 'grace' }, '"sesame" is grace\'s password; the body should name grace')
      const wrong = await t.request('POST', '/login', login('grace', 'correct horse'))
      t.expectStatus(wrong, 401, '"correct horse" is ada\'s password, not grace\'s: compare with the hash of the user who is logging in')
    },
  },
  {
    name: 'An unknown username answers 401, not 404',
    hint: 1,
    async run(t) {
      const response = await t.request('POST', '/login', login('mallory', 'correct horse'))
      t.expectStatus(
        response,
        401,
        'there is no user mallory; a 404 would tell an attacker which usernames exist, so it is the same 401 as a wrong password',
      )
    },
  },
  {
    name: "A username with a quote (o'brien) answers 401, not a server error",
    hint: 1,
    async run(t) {
      const response = await t.request('POST', '/login', login("o'brien", 'guess'))
      t.expectStatus(
        response,
        401,
        "there is no user o'brien, so this is a failed login; a 500 means the quote broke the SQL: bind the username with ? instead of pasting it in",
      )
      const pasted = (await t.db.statements()).filter((sql) => sql.includes('brien'))
      t.expect(pasted, 'the username showed up inside your SQL text, quotes escaped or not: bind it with ?').toEqual([])
    },
  },
  {
    name: 'A wrong password and an unknown user get the same answer',
    requires: ['A wrong password answers 401', 'An unknown username answers 401, not 404'],
    hint: 2,
    async run(t) {
      const wrongPassword = await t.request('POST', '/login', login('ada', 'guess'))
      const unknownUser = await t.request('POST', '/login', login('mallory', 'guess'))
      t.expect(
        unknownUser.json,
        'the error for an unknown user should be exactly the error for a wrong password (for example "wrong username or password"), so it gives nothing away',
      ).toEqual(wrongPassword.json)
    },
  },
  {
    name: 'An unknown username costs a password check, like a wrong password',
    requires: ['An unknown username answers 401, not 404'],
    hint: 1,
    async run(t) {
      // Not a stopwatch: the number of crypto.verifyPassword calls, which is what the time depends on.
      const before = await t.crypto.passwordChecks()
      await t.request('POST', '/login', login('mallory', 'guess'))
      t.expect(
        (await t.crypto.passwordChecks()) - before,
        'a hash takes milliseconds, so a login that skips it for unknown names answers them sooner and a script can time that: call crypto.verifyPassword(user?.password_hash ?? NO_SUCH_USER, password) once, user or not',
      ).toBe(1)
    },
  },
])
