import { defineChecks, type CheckContext } from '../../sandbox-server/grading/index.ts'

const login = (t: CheckContext, username: string, password: string) => t.request('POST', '/login', { json: { username, password } })
const MINUTE = 60_000
const LOCKED = 'After three wrong passwords the account is locked, even for the right one'

export default defineChecks([
  {
    name: 'The right password answers 200',
    async run(t) {
      const response = await login(t, 'ada', 'correct horse')
      t.expectJson(response, 200, { username: 'ada' }, '"correct horse" is ada\'s password; the body should name the user who logged in')
      const pasted = (await t.db.statements()).filter((sql) => sql.includes("'ada'"))
      t.expect(pasted, 'the username showed up inside your SQL text: bind it with ? instead of pasting it in').toEqual([])
    },
  },
  {
    name: 'A wrong password answers 401',
    async run(t) {
      const response = await login(t, 'ada', 'wrong horse')
      t.expectStatus(response, 401, "this is not ada's password, and she has only one failure so far: far from a lock")
      t.state.wrongBody = response.json
    },
  },
  {
    name: LOCKED,
    weight: 2,
    hint: 1,
    async run(t) {
      for (const attempt of [1, 2, 3]) {
        const response = await login(t, 'grace', `guess ${attempt}`)
        t.expectStatus(response, 401, `wrong password number ${attempt} for grace is still an ordinary 401; the lock starts after the third`)
      }
      const right = await login(t, 'grace', 'sesame')
      t.expectJson(
        right,
        429,
        { error: t.expect.any(String) },
        'grace had three wrong passwords in a row, so her account is locked for 15 minutes: even the right password must be refused, or a guesser would simply keep going until one works; 429 Too Many Requests is the status for "slow down" (423 Locked belongs to WebDAV file locks); the body should be { "error": "..." } saying to try again later',
      )
      t.state.lockedBody = right.json
      const wrong = await login(t, 'grace', 'guess 4')
      t.expectStatus(wrong, 429, 'the account is locked, whatever password is sent')
    },
  },
  {
    name: 'A locked answer says how many seconds to wait (Retry-After)',
    requires: [LOCKED],
    hint: 1,
    async run(t) {
      const response = await login(t, 'grace', 'sesame')
      t.expectStatus(response, 429, 'grace is still locked')
      const retryAfter = response.headers.get('retry-after')
      if (retryAfter === null)
        return t.fail('the 429 answer should have a Retry-After header with the seconds left, so the app can say "try again in 15 minutes"')
      t.expect(
        /^\d+$/.test(retryAfter) && Number(retryAfter) >= 1 && Number(retryAfter) <= 900,
        `Retry-After should be a whole number of seconds between 1 and 900 (15 minutes), not "${retryAfter}"`,
      ).toBe(true)
    },
  },
  {
    name: 'The lock belongs to one username: ada still logs in',
    requires: [LOCKED],
    async run(t) {
      const response = await login(t, 'ada', 'correct horse')
      t.expectStatus(response, 200, "only grace is locked; one user's failures must not lock anyone else out")
    },
  },
  {
    name: 'The lock lasts 15 minutes, then the right password works again',
    requires: [LOCKED],
    hint: 1,
    async run(t) {
      t.clock.advance(14 * MINUTE)
      const early = await login(t, 'grace', 'sesame')
      t.expectStatus(early, 429, 'only 14 minutes have passed since grace was locked (and attempts while locked do not make the lock longer)')
      t.clock.advance(MINUTE + 1000)
      const later = await login(t, 'grace', 'sesame')
      t.expectStatus(later, 200, 'more than 15 minutes have passed since the lock began, so it is over: compare locked_until with Date.now()')
    },
  },
  {
    name: 'After the lock ends, the user gets three fresh tries',
    requires: ['The lock lasts 15 minutes, then the right password works again'],
    hint: 1,
    async run(t) {
      for (const attempt of [1, 2, 3]) {
        const response = await login(t, 'grace', `guess ${attempt}`)
        t.expectStatus(response, 401, `wrong password number ${attempt} for grace since her last successful login`)
      }
      t.clock.advance(15 * MINUTE + 1000)
      for (const attempt of [1, 2, 3]) {
        const response = await login(t, 'grace', `late guess ${attempt}`)
        t.expectStatus(
          response,
          401,
          `grace's second lock is over, and this is only her wrong password number ${attempt} since it ended: when you lock the account, set failed_attempts back to 0, so after the lock she gets three fresh tries`,
        )
      }
      const right = await login(t, 'grace', 'sesame')
      t.expectStatus(
        right,
        429,
        'grace made three wrong passwords in a row since her lock ended, so she is locked again (does the count start again at 0 when you lock?)',
      )
    },
  },
  {
    name: 'A successful login resets the count of failures',
    requires: [LOCKED],
    hint: 2,
    async run(t) {
      const first = await login(t, 'ada', 'correct horse')
      t.expectStatus(first, 200, '"correct horse" is ada\'s password and she is not locked')
      for (const round of [1, 2]) {
        for (const attempt of [1, 2]) {
          const wrong = await login(t, 'ada', `oops ${round}.${attempt}`)
          t.expectStatus(wrong, 401, `ada typed a wrong password, number ${attempt} since her last successful login`)
        }
        const right = await login(t, 'ada', 'correct horse')
        t.expectStatus(
          right,
          200,
          'since her last successful login ada made only two mistakes, not three: a success must set failed_attempts back to 0, or old mistakes add up to a lock',
        )
      }
      const row = await t.db.get('SELECT failed_attempts FROM login_attempts WHERE username = ?', ['ada'])
      t.expect(row?.failed_attempts ?? 0, "after a successful login, ada's failed_attempts should be 0 (or her row gone)").toBe(0)
    },
  },
  {
    name: 'An unknown username gets exactly the answers a real one gets, lock included',
    requires: [LOCKED],
    hint: 2,
    async run(t) {
      // If only real accounts could be locked, three guesses would tell anyone which usernames exist.
      for (const attempt of [1, 2, 3]) {
        const checked = await t.crypto.passwordChecks()
        const response = await login(t, 'mallory', `guess ${attempt}`)
        t.expect(
          (await t.crypto.passwordChecks()) - checked,
          'an unknown username should cost one crypto.verifyPassword, as a real one does (the starter checks against NO_SUCH_USER: keep that), or the quicker answer gives it away',
        ).toBe(1)
        t.expectJson(
          response,
          401,
          t.state.wrongBody,
          `there is no user mallory: wrong guess number ${attempt} must look exactly like a wrong password for a real user`,
        )
      }
      const locked = await login(t, 'mallory', 'sesame')
      t.expectJson(
        locked,
        429,
        t.state.lockedBody,
        'mallory does not exist, but three wrong guesses for that name must lock it just as they locked grace: an attacker who saw 401 forever for one name and a lock for another would know which accounts are real. Count failures in login_attempts by the username as typed',
      )
      t.expect(locked.headers.get('retry-after'), 'the locked answer for an unknown name needs its Retry-After too').toMatch(/^\d+$/)
    },
  },
])
