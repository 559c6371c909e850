import { describe, test, expect } from 'sandbox/test'
import app from './app'

/** Sends POST /users with a JSON body, the way a browser or curl would. */
const signUp = (body: unknown) =>
  app.request('/users', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })

describe('POST /users', () => {
  test('creates a user', async () => {
    const res = await signUp({ email: 'ada@example.com', name: 'Ada Lovelace' })
    const user = await res.json()
    expect(user.name).toBe('Ada Lovelace')
  })

  // TODO: this test passes, but it would also pass if the status
  // were wrong or the user were never saved. Check more of the
  // answer, then add one test per rule in app.ts.
})

describe('GET /users/:id', () => {
  // TODO
})
