import { defineChecks, type CheckContext } from '../../sandbox-server/grading/index.ts'

const MINUTE = 60_000
const DAY = 24 * 60 * MINUTE
/** The token whose SHA-256 seed.sql imported without an expiry. */
const IMPORTED_TOKEN = 'k9Zt2vQe7LmX4pR8wN3yB6cF1hJ5sD0aG2uE8iO4tYw'

interface Pair {
  accessToken: string
  refreshToken: string
}
const PAIR = (t: CheckContext) => t.expect.objectContaining({ accessToken: t.expect.any(String), refreshToken: t.expect.any(String) })
const refresh = (t: CheckContext, refreshToken: string) => t.request('POST', '/refresh', { json: { refreshToken } })

/** Logs in; the check fails unless the answer is a pair. */
async function signIn(t: CheckContext, username: string, password: string): Promise<Pair> {
  const response = await t.request('POST', '/login', { json: { username, password } })
  t.expectJson(response, 200, PAIR(t), `the password is ${username}'s; the body should be { accessToken, refreshToken }`)
  return response.json
}
/** A refresh that must work; answers the new pair. */
async function rotate(t: CheckContext, refreshToken: string, because: string): Promise<Pair> {
  const response = await refresh(t, refreshToken)
  t.expectJson(response, 200, PAIR(t), `${because}; the body should be a new { accessToken, refreshToken }`)
  return response.json
}

const LOGIN = 'POST /login answers an access token and a refresh token'
const ROTATES = 'After 10 minutes the access token expires, and POST /refresh answers a new pair'
const SPENT = 'A refresh token works once: used again, it answers 401'

export default defineChecks([
  {
    name: LOGIN,
    async run(t) {
      const wrong = await t.request('POST', '/login', { json: { username: 'ada', password: 'wrong' } })
      t.expectStatus(wrong, 401, 'the password is wrong')
      const first = await signIn(t, 'ada', 'correct horse')
      t.expect(
        first.refreshToken.length,
        'the refresh token should be long and random: crypto.randomToken() gives 43 characters',
      ).toBeGreaterThanOrEqual(32)
      const second = await signIn(t, 'ada', 'correct horse')
      t.expect(second.refreshToken, 'each login should get its own refresh token, so that one can end without the other').not.toBe(first.refreshToken)
      const me = await t.request('GET', '/me', { bearer: first.accessToken })
      t.expectJson(me, 200, { username: 'ada' }, 'the access token from the login is valid')
      t.state.first = first
    },
  },
  {
    name: 'The database stores refresh tokens hashed, never as they are',
    requires: [LOGIN],
    async run(t) {
      const { refreshToken } = t.state.first as Pair
      for (const table of await t.db.tables()) {
        const rows = await t.db.all(`SELECT * FROM "${table.name}"`)
        if (JSON.stringify(rows).includes(refreshToken))
          return t.fail(
            `the table ${table.name} holds ada's refresh token as it is: anyone who reads the database or a backup can sign in as her for 7 days. Store sha256(token) and look tokens up by that hash`,
          )
      }
      const stored = await t.db.get("SELECT count(*) AS n FROM refresh_tokens WHERE username = 'ada'")
      t.expect(Number(stored?.n), 'each login should store a row (with the hash) in refresh_tokens').toBeGreaterThanOrEqual(1)
    },
  },
  {
    name: ROTATES,
    weight: 2,
    requires: [LOGIN],
    hint: 1,
    async run(t) {
      const first = t.state.first as Pair
      t.clock.advance(11 * MINUTE)
      const expired = await t.request('GET', '/me', { bearer: first.accessToken })
      t.expectUnauthorized(expired, 'the access token is 11 minutes old and lasts 10')
      const next = await rotate(t, first.refreshToken, 'the refresh token is 11 minutes old and lasts 7 days')
      t.expect(
        next.refreshToken,
        'POST /refresh should rotate: answer a new refresh token every time, so that a copied one is spent the first time either copy is used',
      ).not.toBe(first.refreshToken)
      const me = await t.request('GET', '/me', { bearer: next.accessToken })
      t.expectJson(me, 200, { username: 'ada' }, 'the new access token is valid')
      t.state.second = next
    },
  },
  {
    name: SPENT,
    weight: 2,
    requires: [ROTATES],
    hint: 1,
    async run(t) {
      t.state.grace = await signIn(t, 'grace', 'sesame')
      const reused = await refresh(t, (t.state.first as Pair).refreshToken)
      t.expectUnauthorized(
        reused,
        'this refresh token was exchanged for a new pair already: mark it used when you rotate it, and refuse it from then on',
      )
    },
  },
  {
    name: 'Reusing a spent refresh token ends its whole family, and only that family',
    weight: 2,
    requires: [SPENT],
    hint: 2,
    async run(t) {
      const newest = await refresh(t, (t.state.second as Pair).refreshToken)
      t.expectUnauthorized(
        newest,
        'the token before this one was used twice, so two parties hold copies and nobody can tell which is the thief: revoke every token of that login (its family), this newest one too (RFC 9700, section 4.14)',
      )
      await rotate(t, (t.state.grace as Pair).refreshToken, "grace signed in separately: ada's reused token must not end her session")
    },
  },
  {
    name: 'POST /logout revokes the refresh token',
    weight: 2,
    requires: [LOGIN],
    hint: 2,
    async run(t) {
      const grace = await signIn(t, 'grace', 'sesame')
      const session = await signIn(t, 'ada', 'correct horse')
      const current = await rotate(t, session.refreshToken, 'the refresh token is new')
      const response = await t.request('POST', '/logout', { json: { refreshToken: current.refreshToken } })
      t.expect([200, 204], 'logging out should succeed (204 No Content)').toContain(response.status)
      const after = await refresh(t, current.refreshToken)
      t.expectUnauthorized(after, 'ada logged out with this refresh token: revoke its family, or whoever copied it keeps her session')
      await rotate(t, grace.refreshToken, "only ada logged out: grace's session goes on")
    },
  },
  {
    name: 'A refresh token lasts 7 days, then answers 401',
    requires: [LOGIN],
    hint: 1,
    async run(t) {
      const early = await signIn(t, 'ada', 'correct horse')
      const late = await signIn(t, 'ada', 'correct horse')
      t.clock.advance(7 * DAY - 60 * MINUTE)
      await rotate(t, early.refreshToken, 'this refresh token is 6 days and 23 hours old and lasts 7 days')
      t.clock.advance(2 * 60 * MINUTE)
      const expired = await refresh(t, late.refreshToken)
      t.expectUnauthorized(expired, 'this refresh token is 7 days and 1 hour old: compare expires_at with clock.now()')
    },
  },
  {
    name: 'A refresh token with no expiry answers 401',
    hint: 1,
    async run(t) {
      const response = await refresh(t, IMPORTED_TOKEN)
      t.expectUnauthorized(
        response,
        "grace's token was imported from the old app with no expiry (expires_at is NULL). Fail closed: accept only when expires_at is a number in the future, or this token works forever",
      )
    },
  },
])
