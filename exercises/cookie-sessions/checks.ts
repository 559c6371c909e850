import { defineChecks, type CheckContext, type CheckResponse } from '../../sandbox-server/grading/index.ts'

// The checks act as ada's browser on https://bank.example: they keep her session cookie and send
// it back, with the Origin and Sec-Fetch-Site headers a browser adds to a form post from the
// bank's own page. Forgeries are the same posts with another site's headers.

const APP = 'https://bank.example'
const OWN_PAGE = { Origin: APP, 'Sec-Fetch-Site': 'same-origin' }
const SESSION_SECONDS = 2 * 60 * 60

/** One Set-Cookie line: its name, value and attributes (names lowercased; a flag's value is ''). */
interface SetCookie {
  name: string
  value: string
  attributes: Map<string, string>
}

function parseSetCookie(line: string): SetCookie {
  const [pair = '', ...parts] = line.split(';')
  const equals = pair.indexOf('=')
  const attributes = new Map<string, string>()
  for (const part of parts) {
    const at = part.indexOf('=')
    const name = (at === -1 ? part : part.slice(0, at)).trim().toLowerCase()
    if (name) attributes.set(name, at === -1 ? '' : part.slice(at + 1).trim())
  }
  return { name: pair.slice(0, equals).trim(), value: pair.slice(equals + 1).trim(), attributes }
}

/** The session cookie an answer sets: named session, or __Host-session with the prefix. */
function sessionCookie(response: CheckResponse): SetCookie | undefined {
  return response.headers
    .getSetCookie()
    .map(parseSetCookie)
    .find((cookie) => cookie.name === 'session' || cookie.name === '__Host-session')
}

/** The Cookie header ada's browser sends back. */
const sendBack = (cookie: SetCookie) => ({ Cookie: `${cookie.name}=${cookie.value}` })

/** A form post, as a browser sends it from the bank's page; `headers` replace its own ('' leaves one out). */
function postForm(t: CheckContext, path: string, fields: Record<string, string>, headers: Record<string, string>) {
  const sent = Object.entries({ 'Content-Type': 'application/x-www-form-urlencoded', ...OWN_PAGE, ...headers }).filter(([, value]) => value !== '')
  return t.request('POST', path, { body: new URLSearchParams(fields).toString(), headers: Object.fromEntries(sent) })
}

interface Forgery {
  /** Form fields besides the transfer to mallory. */
  fields: Record<string, string>
  /** Headers instead of the bank page's own. */
  headers?: Record<string, string>
  because: string
}

/** Posts each forged transfer with ada's cookie: each must be refused with 403, and none stored. */
async function expectRefused(t: CheckContext, cookie: SetCookie, forgeries: Forgery[]) {
  const before = await t.db.count('transfers')
  for (const { fields, headers = {}, because } of forgeries) {
    const forged = await postForm(t, '/transfers', { to: 'mallory', amount_cents: '100000', ...fields }, { ...headers, ...sendBack(cookie) })
    t.expectStatus(forged, 403, because)
  }
  t.expect(await t.db.count('transfers'), 'a refused transfer must not be stored').toBe(before)
}

/** Logs in from the bank's login page and answers the session cookie it set. */
async function login(t: CheckContext, username: string, password: string, headers: Record<string, string> = {}): Promise<SetCookie> {
  const response = await postForm(t, '/login', { username, password }, headers)
  t.expectStatus(response, 200, `${username}'s password is right`)
  const cookie = sessionCookie(response)
  if (!cookie?.value) t.fail(`POST /login answered 200 but set no session cookie: it should send Set-Cookie: session=<a new random id>; ...`)
  return cookie
}

/** The CSRF token GET /me gives the page for this session. */
async function csrfTokenOf(t: CheckContext, cookie: SetCookie): Promise<string> {
  const me = await t.request('GET', '/me', { headers: sendBack(cookie) })
  t.expectJson(
    me,
    200,
    t.expect.objectContaining({ csrfToken: t.expect.any(String) }),
    'the session is valid; the body should be { username, csrfToken }',
  )
  return me.json.csrfToken
}

const LOGIN = 'POST /login answers 200 with a session cookie, and 401 to a wrong password'
const TRANSFER = 'POST /transfers with the session cookie and its CSRF token creates the transfer'

export default defineChecks([
  {
    name: LOGIN,
    async run(t) {
      const wrong = await postForm(t, '/login', { username: 'ada', password: 'wrong horse' }, {})
      t.expectStatus(wrong, 401, 'the password is wrong')
      t.expect(sessionCookie(wrong), 'a failed login must not set a session cookie').toBeUndefined()
      const cookie = await login(t, 'ada', 'correct horse')
      t.state.cookie = cookie
      const me = await t.request('GET', '/me', { headers: sendBack(cookie) })
      t.expectJson(
        me,
        200,
        { username: 'ada', csrfToken: t.expect.any(String) },
        'the browser sent back the cookie it was just given: currentSession must find the row login stored (when login stores crypto.sign(id), look up crypto.sign(cookie))',
      )
      const stranger = await t.request('GET', '/me')
      t.expectStatus(stranger, 401, 'a request without the session cookie is nobody')
    },
  },
  {
    name: 'The session cookie is HttpOnly, Secure, SameSite, for the whole site, with a Max-Age',
    weight: 2,
    requires: [LOGIN],
    async run(t) {
      const { attributes } = t.state.cookie as SetCookie
      const has = (name: string) => attributes.has(name)
      if (!has('httponly')) {
        t.fail(
          'The session cookie has no HttpOnly: any script on the page (one injected by an XSS, a compromised analytics library) can read document.cookie and send the session away',
        )
      }
      if (!has('secure')) {
        t.fail('The session cookie has no Secure: the browser would also send it over plain http://, where anyone on the same Wi-Fi reads it')
      }
      const sameSite = attributes.get('samesite')?.toLowerCase()
      if (sameSite !== 'lax' && sameSite !== 'strict') {
        t.fail(
          `The session cookie says ${sameSite === undefined ? 'no SameSite' : `SameSite=${attributes.get('samesite')}`}: with SameSite=Lax (or Strict) the browser leaves it off POSTs that other sites start, the first defence against a forged form`,
        )
      }
      t.expect(
        attributes.get('path'),
        'the session cookie should say Path=/, so every page of the bank sends it (and logout can clear that same cookie)',
      ).toBe('/')
      if (has('domain')) {
        t.fail(
          `The session cookie says Domain=${attributes.get('domain')}: that sends it to every subdomain too (a forum, a marketing site). Leave Domain out and only the host that set it receives it`,
        )
      }
      const maxAge = Number(attributes.get('max-age'))
      if (!Number.isInteger(maxAge) || maxAge <= 0 || maxAge > SESSION_SECONDS) {
        t.fail(
          `The session cookie says ${has('max-age') ? `Max-Age=${attributes.get('max-age')}` : 'no Max-Age'}: a session lasts two hours, so Max-Age should be a number of seconds, at most ${SESSION_SECONDS} (seconds, not milliseconds)`,
        )
      }
    },
  },
  {
    name: 'The session id is long, random and stored only as a hash',
    weight: 2,
    requires: [LOGIN],
    hint: 1,
    async run(t) {
      const cookie = t.state.cookie as SetCookie
      const id = decodeURIComponent(cookie.value)
      t.expect(
        id.length,
        `the session id "${id}" is short: it should be crypto.randomToken() (43 characters, 256 random bits), which nobody can guess`,
      ).toBeGreaterThanOrEqual(22)
      t.expect(id.toLowerCase(), 'the session id should say nothing about its user: it is a random key into the sessions table').not.toContain('ada')
      const rows = await t.db.all('SELECT * FROM sessions')
      t.expect(
        JSON.stringify(rows),
        "the sessions table holds the cookie's session id itself: whoever reads a copy of the table (a backup, an SQL injection) could log in as everyone. Store crypto.sign(id) and look sessions up by it",
      ).not.toContain(id)
      const again = await login(t, 'ada', 'correct horse')
      t.expect(decodeURIComponent(again.value), 'a second login should get another random id').not.toBe(id)
    },
  },
  {
    name: TRANSFER,
    requires: [LOGIN],
    async run(t) {
      const cookie = t.state.cookie as SetCookie
      const csrfToken = await csrfTokenOf(t, cookie)
      t.state.csrfToken = csrfToken
      const response = await postForm(t, '/transfers', { to: 'grace', amount_cents: '2500', csrf_token: csrfToken }, sendBack(cookie))
      t.expectJson(
        response,
        201,
        { id: t.expect.any(Number), to: 'grace', amount_cents: 2500 },
        "ada's own page posted the form with her cookie and the CSRF token from GET /me",
      )
      const row = await t.db.get('SELECT from_user, to_username, amount_cents FROM transfers WHERE id = ?', [response.json.id])
      t.expect(row, 'the transfer should be stored as from ada (user 1)').toEqual({ from_user: 1, to_username: 'grace', amount_cents: 2500 })
    },
  },
  {
    name: "A POST without the session's own CSRF token is refused with 403 and changes nothing",
    weight: 2,
    requires: [TRANSFER],
    hint: 1,
    async run(t) {
      // Sent with the bank's own Origin, to test the token on its own: each defence must hold
      // even when the other one is missing or fooled.
      const cookie = t.state.cookie as SetCookie
      const mallorys = await csrfTokenOf(t, await login(t, 'mallory', 'swordfish'))
      await expectRefused(t, cookie, [
        { fields: {}, because: 'the form carries no csrf_token: a forged form does not know it' },
        { fields: { csrf_token: 'guessed-token-0000000000000000' }, because: 'the csrf_token is not the one GET /me gave this session' },
        {
          fields: { csrf_token: mallorys },
          because:
            "this is mallory's own valid token, from her own session: a token must belong to the session it arrives with, or any customer can forge requests for everyone else",
        },
      ])
    },
  },
  {
    name: 'A POST from another site is refused with 403, even with a valid token',
    weight: 2,
    requires: [TRANSFER],
    hint: 2,
    async run(t) {
      const cookie = t.state.cookie as SetCookie
      const fields = { csrf_token: String(t.state.csrfToken) }
      await expectRefused(t, cookie, [
        { fields, headers: { Origin: 'https://evil.example', 'Sec-Fetch-Site': 'cross-site' }, because: 'a page on evil.example posted this form' },
        {
          fields,
          headers: { Origin: 'https://evil.example', 'Sec-Fetch-Site': '' },
          because: 'a page on evil.example posted this form, in a browser that sends Origin but no Sec-Fetch-Site: check Origin too',
        },
        {
          fields,
          headers: { Origin: 'https://bank.example.evil.example', 'Sec-Fetch-Site': '' },
          because: 'this origin only starts with https://bank.example: compare the whole origin',
        },
        {
          fields,
          headers: { Origin: 'https://forum.bank.example', 'Sec-Fetch-Site': 'same-site' },
          because:
            'a page on forum.bank.example is same-site but not same-origin: SameSite cookies travel with its posts, so only same-origin may change anything',
        },
        {
          fields,
          headers: { Origin: 'null', 'Sec-Fetch-Site': 'cross-site' },
          because: 'Origin: null comes from a sandboxed iframe or a data: URL, never from the bank',
        },
      ])
    },
  },
  {
    name: 'Logging in gives a new session id, never the one the browser brought',
    weight: 2,
    requires: [LOGIN],
    hint: 1,
    async run(t) {
      // Session fixation: mallory plants a session id she knows in ada's browser (from a sibling
      // subdomain, or a link), waits for ada to log in, then uses the same id.
      const name = (t.state.cookie as SetCookie).name
      const planted = 'planted-by-mallory-0123456789abcdef'
      const cookie = await login(t, 'ada', 'correct horse', { Cookie: `${name}=${planted}` })
      t.expect(decodeURIComponent(cookie.value), 'the login kept the session id the browser brought: make a new one at every login').not.toBe(planted)
      const mallory = await t.request('GET', '/me', { headers: { Cookie: `${name}=${planted}` } })
      t.expectStatus(mallory, 401, "mallory planted this id before ada logged in: it must not be ada's session")
    },
  },
  {
    name: 'POST /logout ends the session on the server and clears the cookie',
    weight: 2,
    requires: [LOGIN],
    hint: 1,
    async run(t) {
      const cookie = await login(t, 'ada', 'correct horse')
      const response = await postForm(t, '/logout', {}, sendBack(cookie))
      t.expect([200, 204], `POST /logout answered ${response.status}; ada was logged in, so it should answer 204 (or 200)`).toContain(response.status)
      const cleared = sessionCookie(response)
      if (!cleared || cleared.name !== cookie.name) {
        return t.fail(`POST /logout set no ${cookie.name} cookie: clear it with Max-Age=0 (deleteCookie), so the browser forgets it`)
      }
      const expires = Date.parse(cleared.attributes.get('expires') ?? '')
      if (cleared.attributes.get('max-age') !== '0' && !(expires <= Date.now())) {
        t.fail(`POST /logout set ${cookie.name} without Max-Age=0: the browser keeps the cookie until it expires`)
      }
      t.expect(cleared.attributes.get('path'), 'the cookie is cleared only where it was set: Path=/ as at login').toBe('/')
      const copy = await t.request('GET', '/me', { headers: sendBack(cookie) })
      t.expectStatus(
        copy,
        401,
        'ada logged out, but a copy of her cookie (on a shared computer, in malware) still works: delete the session row, not only the cookie',
      )
    },
  },
  {
    name: 'A session ends on the server after two hours',
    requires: [LOGIN],
    hint: 1,
    async run(t) {
      const cookie = await login(t, 'ada', 'correct horse')
      t.clock.advance(SESSION_SECONDS * 1000 + 60_000)
      const response = await t.request('GET', '/me', { headers: sendBack(cookie) })
      t.expectStatus(
        response,
        401,
        'ada logged in two hours and a minute ago (the clock was moved): Max-Age only asks the browser to forget the cookie, and a copied cookie ignores it. The server must refuse the session past its expires_at',
      )
    },
  },
])
