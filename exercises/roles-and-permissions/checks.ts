import { defineChecks, type CheckContext } from '../../sandbox-server/grading/index.ts'

const PASSWORDS: Record<string, string> = { ada: 'correct horse', grace: 'sesame', linus: 'hunter2' }

/** Logs in (the starter's POST /login) and answers the token. */
async function login(t: CheckContext, username: string): Promise<string> {
  const response = await t.request('POST', '/login', { json: { username, password: PASSWORDS[username] } })
  t.expectJson(
    response,
    200,
    t.expect.objectContaining({ token: t.expect.any(String) }),
    `${username}'s password is right (POST /login came with the starter: keep it working); it should answer { token }`,
  )
  return response.json.token
}

const article = (t: CheckContext, id: number) => t.db.get('SELECT id, title FROM articles WHERE id = ?', [id])

export default defineChecks([
  {
    name: 'A reader with a valid token can list the articles',
    async run(t) {
      t.state.linus = await login(t, 'linus')
      const response = await t.request('GET', '/articles', { bearer: String(t.state.linus) })
      t.expectJson(
        response,
        200,
        await t.db.all('SELECT id, title, body FROM articles ORDER BY id'),
        'linus logged in and readers may read; the body should be the articles',
      )
    },
  },
  {
    name: 'No token: 401 with a WWW-Authenticate header',
    weight: 2,
    hint: 1,
    async run(t) {
      const response = await t.request('GET', '/articles')
      t.expectUnauthorized(response, 'there is no Authorization header: the server does not know who is asking')
      const garbage = await t.request('GET', '/articles', { bearer: 'not-a-token' })
      t.expectUnauthorized(garbage, '"not-a-token" is not a valid token')
    },
  },
  {
    name: 'A token whose role was changed to admin is refused with 401',
    weight: 2,
    hint: 1,
    requires: ['A reader with a valid token can list the articles'],
    async run(t) {
      const forged = String(t.state.linus).replace(/^linus\.reader\./, 'linus.admin.')
      const response = await t.request('DELETE', '/articles/3', { bearer: forged })
      t.expectStatus(
        response,
        401,
        'linus changed "reader" to "admin" in his token, so its signature no longer matches: the token is not valid (and is DELETE /articles/:id behind requireRole at all?)',
      )
      t.expect(await article(t, 3), 'article 3 must still exist after a forged request').toEqual(t.expect.objectContaining({ id: 3 }))
    },
  },
  {
    name: 'A reader may not edit: 403, while an editor may',
    weight: 2,
    hint: 1,
    requires: ['A reader with a valid token can list the articles'],
    async run(t) {
      const edit = { title: 'Style guide (2nd edition)', body: 'Shorter sentences.' }
      const refused = await t.request('PUT', '/articles/2', { bearer: String(t.state.linus), json: edit })
      t.expectStatus(refused, 403, 'the token is valid, so the server knows it is linus, but a reader may not edit: that is 403 Forbidden, not 401')
      t.expect(await article(t, 2), 'the refused edit must not change article 2').toEqual({ id: 2, title: 'Style guide' })
      t.state.grace = await login(t, 'grace')
      const allowed = await t.request('PUT', '/articles/2', { bearer: String(t.state.grace), json: edit })
      t.expectStatus(allowed, 200, 'grace is an editor, and editors may edit')
      t.expect(await article(t, 2), "grace's edit should be saved").toEqual({ id: 2, title: edit.title })
    },
  },
  {
    name: 'Only an admin may delete: an editor gets 403, an admin 204',
    weight: 2,
    hint: 2,
    requires: ['A reader may not edit: 403, while an editor may'],
    async run(t) {
      const refused = await t.request('DELETE', '/articles/3', { bearer: String(t.state.grace) })
      t.expectStatus(refused, 403, "grace is an editor: she may edit but not delete (protect DELETE with requireRole('admin'))")
      t.expect(await article(t, 3), 'article 3 must still exist after a refused delete').toEqual(t.expect.objectContaining({ id: 3 }))
      const ada = await login(t, 'ada')
      const allowed = await t.request('DELETE', '/articles/3', { bearer: ada })
      t.expectStatus(allowed, 204, 'ada is an admin, and admins may delete')
      t.expect(await article(t, 3), 'article 3 should be gone').toBeUndefined()
    },
  },
  {
    name: 'A genuine signature on an expiry that is not a number is refused with 401',
    hint: 1,
    requires: ['A reader with a valid token can list the articles'],
    async run(t) {
      const payload = 'linus.reader.never'
      const response = await t.request('GET', '/articles', { bearer: `${payload}.${await t.crypto.sign(payload)}` })
      t.expectUnauthorized(
        response,
        'the expiry "never" is not a number (Number gives NaN, and every comparison with NaN is false): readToken must accept only when Number(expiresAt) > clock.now(), so anything odd is refused',
      )
    },
  },
  {
    name: 'GET /payroll trusts only the address our proxy wrote: the last X-Forwarded-For entry',
    hint: 0,
    requires: ['A reader with a valid token can list the articles'],
    async run(t) {
      const ada = await login(t, 'ada')
      const office = await t.request('GET', '/payroll', { bearer: ada, headers: { 'x-forwarded-for': '10.1.0.5' } })
      t.expectStatus(office, 200, 'ada is an admin, and our proxy saw her come from the office network 10.1.x.x (it wrote 10.1.0.5)')
      const spoofed = await t.request('GET', '/payroll', { bearer: ada, headers: { 'x-forwarded-for': '10.1.0.5, 203.0.113.7' } })
      t.expectStatus(
        spoofed,
        403,
        'our proxy appends the address it saw, so only the last entry (203.0.113.7, outside the office) is true; the client wrote "10.1.0.5" itself. Keep onlyFromOffice reading the last entry, as the starter does',
      )
    },
  },
  {
    name: 'Only an admin sees the payroll, whatever the login body claims',
    requires: ['A reader with a valid token can list the articles'],
    async run(t) {
      const claimed = await t.request('POST', '/login', { json: { username: 'linus', password: PASSWORDS.linus, role: 'admin' } })
      t.expectStatus(claimed, 200, "linus's password is right")
      const payroll = await t.request('GET', '/payroll', { bearer: String(claimed.json?.token), headers: { 'x-forwarded-for': '10.1.0.9' } })
      t.expectStatus(
        payroll,
        403,
        'linus is a reader in the users table (the role comes from there, never from the request), so no payroll for him, even from the office',
      )
    },
  },
  {
    name: 'An expired token is refused with 401',
    hint: 1,
    requires: ['A reader may not edit: 403, while an editor may'],
    async run(t) {
      t.clock.advance(16 * 60 * 1000)
      const response = await t.request('PUT', '/articles/1', {
        bearer: String(t.state.grace),
        json: { title: 'Too late', body: 'This token expired a minute ago.' },
      })
      t.expectUnauthorized(response, "grace's token expired one minute ago (the clock was moved 16 minutes on): she must log in again")
      t.expect(await article(t, 1), 'the expired token must not change article 1').toEqual({ id: 1, title: 'Welcome to the newsroom' })
    },
  },
])
