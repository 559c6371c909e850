import { describe, test, expect } from 'sandbox/test'
import app from './app'

/** Sends POST /users with a JSON body, the way a browser or curl would. */
const signUp = (body: unknown) =>
  app.request('/users', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })

// Every test runs against the same database: each one signs up its own email.
describe('POST /users', () => {
  test('creates a user: 201, the user, and where to find it', async () => {
    const res = await signUp({ email: 'ada@example.com', name: 'Ada Lovelace' })
    expect(res.status).toBe(201)
    const user = await res.json()
    expect(user).toEqual({ id: expect.any(Number), email: 'ada@example.com', name: 'Ada Lovelace' })
    expect(res.headers.get('location')).toBe(`/users/${user.id}`)

    const saved = await app.request(`/users/${user.id}`)
    expect(await saved.json()).toEqual(user)
  })

  test('stores the email in lowercase', async () => {
    const res = await signUp({ email: 'Alan@Example.COM', name: 'Alan Turing' })
    expect(res.status).toBe(201)
    expect((await res.json()).email).toBe('alan@example.com')
  })

  test('refuses an email that is taken, whatever its case, with 409', async () => {
    expect((await signUp({ email: 'katherine@example.com', name: 'Katherine' })).status).toBe(201)
    expect((await signUp({ email: 'katherine@example.com', name: 'Another' })).status).toBe(409)
    expect((await signUp({ email: 'KATHERINE@example.com', name: 'Another' })).status).toBe(409)
  })

  test('refuses an email without @ with 400', async () => {
    const res = await signUp({ email: 'not-an-email', name: 'Nobody' })
    expect(res.status).toBe(400)
    expect(await res.json()).toEqual({ error: expect.any(String) })
  })

  test('refuses a blank name, even one of only spaces, with 400', async () => {
    expect((await signUp({ email: 'empty@example.com', name: '' })).status).toBe(400)
    expect((await signUp({ email: 'spaces@example.com', name: '   ' })).status).toBe(400)
  })
})

describe('GET /users/:id', () => {
  test('answers a user that exists', async () => {
    const res = await app.request('/users/1')
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ id: 1, email: 'grace@example.com', name: 'Grace Hopper' })
  })

  test('answers 404 for a user that does not exist', async () => {
    const res = await app.request('/users/999')
    expect(res.status).toBe(404)
    expect(await res.json()).toEqual({ error: expect.any(String) })
  })
})
