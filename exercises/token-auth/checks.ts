import { defineChecks } from '../../sandbox-server/grading/index.ts'

export default defineChecks([
  {
    name: 'POST /login with a wrong password or an unknown user answers 401',
    async run(t) {
      const response = await t.request('POST', '/login', { json: { username: 'ada', password: 'wrong' } })
      t.expectStatus(response, 401, 'the password is wrong')
      const unknown = await t.request('POST', '/login', { json: { username: 'mallory', password: 'anything' } })
      t.expectStatus(unknown, 401, 'there is no user mallory, so there is no password that lets her in')
    },
  },
  {
    name: 'POST /login with the right password answers a token',
    async run(t) {
      const response = await t.request('POST', '/login', { json: { username: 'ada', password: 'correct horse' } })
      t.expectStatus(response, 200, 'the password is right')
      t.expect(response.json?.token, 'the body should be { token: "<username>.<expiresAt>.<signature>" }').toMatch(/^ada\.\d+\.[\w-]+$/)
      t.state.token = response.json.token
      const pasted = (await t.db.statements()).filter((sql) => sql.includes("'ada'"))
      t.expect(pasted, 'the username showed up inside your SQL text: bind it with ? instead of pasting it in').toEqual([])
    },
  },
  {
    name: 'GET /me with the token answers who you are',
    requires: ['POST /login with the right password answers a token'],
    hint: 1,
    async run(t) {
      const response = await t.request('GET', '/me', { bearer: String(t.state.token) })
      t.expectJson(response, 200, { username: 'ada' }, 'the token is valid; the body should name the user')
    },
  },
  {
    name: 'GET /me without a token answers 401',
    async run(t) {
      const response = await t.request('GET', '/me')
      t.expectUnauthorized(response, 'there is no Authorization header')
    },
  },
  {
    name: 'GET /me with a forged token answers 401',
    requires: ['GET /me with the token answers who you are'],
    hint: 1,
    async run(t) {
      const forged = String(t.state.token).replace(/^ada\./, 'grace.')
      const response = await t.request('GET', '/me', { bearer: forged })
      t.expectUnauthorized(response, 'the username was changed, so the signature no longer matches')
    },
  },
  {
    name: 'GET /me with a token whose expiry was pushed back answers 401',
    requires: ['GET /me with the token answers who you are'],
    hint: 1,
    async run(t) {
      // The attacker keeps the username and the signature, and only moves the expiry a year on.
      const [username, expiresAt, signature] = String(t.state.token).split('.')
      const extended = `${username}.${Number(expiresAt) + 365 * 24 * 60 * 60 * 1000}.${signature}`
      const response = await t.request('GET', '/me', { bearer: extended })
      t.expectUnauthorized(
        response,
        'the expiry was changed, so the signature no longer matches: sign "<username>.<expiresAt>" together, or anyone can make a stolen token last forever',
      )
    },
  },
  {
    name: 'GET /me refuses a genuine signature on an expiry that is not a number',
    requires: ['GET /me with the token answers who you are'],
    hint: 2,
    async run(t) {
      // No login issues such a token, but a bug elsewhere could: a check that fails closed refuses it.
      const payload = 'ada.never'
      const response = await t.request('GET', '/me', { bearer: `${payload}.${await t.crypto.sign(payload)}` })
      t.expectUnauthorized(
        response,
        'the expiry "never" is not a number: Number("never") is NaN, and NaN <= now is false, so "refuse when Number(expiresAt) <= now" lets it through forever. Accept only when Number(expiresAt) > clock.now()',
      )
    },
  },
  {
    name: 'A token works for 15 minutes, then stops',
    requires: ['GET /me with the token answers who you are'],
    hint: 2,
    async run(t) {
      t.clock.advance(14 * 60 * 1000)
      const fresh = await t.request('GET', '/me', { bearer: String(t.state.token) })
      t.expectJson(fresh, 200, { username: 'ada' }, 'the token is 14 minutes old and lasts 15 (clock.now() counts milliseconds)')
      t.clock.advance(2 * 60 * 1000)
      const response = await t.request('GET', '/me', { bearer: String(t.state.token) })
      t.expectUnauthorized(response, 'the token expired one minute ago (the clock was moved 16 minutes on)')
    },
  },
])
