import { Hono } from 'hono'
import { Type, type Static } from '@sinclair/typebox'
import { Value } from '@sinclair/typebox/value'
import { db, crypto } from 'sandbox'

const app = new Hono()

// Each rule carries the sentence a person filling in the form should read when it is broken.
const SignUp = Type.Object({
  username: Type.String({
    minLength: 3,
    maxLength: 20,
    pattern: '^[a-z0-9_]+$',
    errorMessage: 'username must be 3 to 20 characters: lowercase letters, digits or _',
  }),
  email: Type.String({
    pattern: '^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$',
    errorMessage: 'email must look like name@example.com',
  }),
  password: Type.String({ minLength: 8, errorMessage: 'password must be at least 8 characters' }),
  age: Type.Integer({ minimum: 13, errorMessage: 'age must be a whole number, 13 or more' }),
})
type SignUp = Static<typeof SignUp>

/** One { field, message } per wrong field, in the order TypeBox finds them. */
function fieldErrors(value: unknown) {
  const errors = new Map<string, string>()
  for (const error of Value.Errors(SignUp, value)) {
    const field = error.path.slice(1) || 'body'
    if (!errors.has(field)) errors.set(field, error.schema.errorMessage ?? error.message)
  }
  return [...errors].map(([field, message]) => ({ field, message }))
}

app.post('/signup', async (c) => {
  const body: unknown = await c.req.json().catch(() => undefined)
  if (!Value.Check(SignUp, body)) {
    return c.json({ errors: fieldErrors(body) }, 400)
  }
  const { username, email, password, age }: SignUp = body
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
