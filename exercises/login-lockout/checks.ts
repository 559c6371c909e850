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
    },
  },
  {
    name: 'A wrong password answers 401',
    async run(t) {
      const response = await login(t, 'ada', 'wrong horse')
      t.expectStatus(response, 401, "this is not ada's password, and she has only one failure so far: far from a lock")
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
        423,
        { error: t.expect.any(String) },
        'grace had three wrong passwords in a row, so her account is locked for 15 minutes: even the right password must be refused, or a guesser would simply keep going until one works; 423 Locked says the account is locked; the body should be { "error": "..." } saying the account is locked',
      )
      const wrong = await login(t, 'grace', 'guess 4')
      t.expectStatus(wrong, 423, 'the account is locked, whatever password is sent')
    },
  },
  {
    name: 'A locked answer says how many seconds to wait (Retry-After)',
    requires: [LOCKED],
    hint: 1,
    async run(t) {
      const response = await login(t, 'grace', 'sesame')
      t.expectStatus(response, 423, 'grace is still locked')
      const retryAfter = response.headers.get('retry-after')
      if (retryAfter === null)
        return t.fail('the 423 answer should have a Retry-After header with the seconds left, so the app can say "try again in 15 minutes"')
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
      t.expectStatus(early, 423, 'only 14 minutes have passed since grace was locked (and attempts while locked do not make the lock longer)')
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
        423,
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
      const row = await t.db.get('SELECT failed_attempts FROM users WHERE username = ?', ['ada'])
      t.expect(row, 'after a successful login, failed_attempts should be 0').toEqual({ failed_attempts: 0 })
    },
  },
])
