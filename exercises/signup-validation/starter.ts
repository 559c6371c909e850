import { Hono } from 'hono'
import { Type, type Static } from '@sinclair/typebox'
import { Value } from '@sinclair/typebox/value'
import { db, crypto } from 'sandbox'

// A sign-up form sends { "username", "email", "password", "age" }. The rules:
//   username  3 to 20 characters: lowercase letters, digits and _
//   email     looks like an address: something@something.something
//   password  at least 8 characters
//   age       a whole number, 13 or more
// A valid form answers 201 { id, username, email } and stores the user.
// An invalid one answers 400 { errors: [{ field, message }] }, one entry per wrong field,
// and stores nothing:
//   { "errors": [{ "field": "email", "message": "email must look like name@example.com" }] }
const app = new Hono()

// Only the username rule is written so far. Add the other three fields.
const SignUp = Type.Object({
  username: Type.String({ minLength: 3, maxLength: 20, pattern: '^[a-z0-9_]+$' }),
})
type SignUp = Static<typeof SignUp>

app.post('/signup', async (c) => {
  const body = await c.req.json()
  if (!Value.Check(SignUp, body)) {
    // TODO: say which fields are wrong. Value.Errors(SignUp, body) lists every problem,
    // each with a path such as "/email" and a message.
    return c.json({ errors: [] }, 400)
  }
  const { username, email, password, age } = body as SignUp & { email: string; password: string; age: number }
  try {
    const { lastInsertRowid } = db.run('INSERT INTO users (username, email, password_hash, age) VALUES (?, ?, ?, ?)', [
      username,
      email,
      crypto.hashPassword(password),
      age,
    ])
    return c.json({ id: lastInsertRowid, username, email }, 201)
  } catch (error) {
    // A valid form can still clash with what is stored: the UNIQUE username is a 409, not a 500.
    if (error instanceof Error && error.message.includes('UNIQUE')) {
      return c.json({ errors: [{ field: 'username', message: 'that username is taken' }] }, 409)
    }
    throw error
  }
})

export default app
