import { describe, expect, it } from 'vitest'
import { createRunValues } from './run-values.ts'

const response = (json: unknown, cookies: string[] = []) => {
  const headers = new Headers()
  for (const cookie of cookies) headers.append('set-cookie', cookie)
  return { headers, json }
}

describe('values the app made up in a grading run', () => {
  it('are named by where they came from: JSON fields and cookies', () => {
    const values = createRunValues()
    values.learn('POST /login', response({ user: { token: 'ada.reader.1796194974283.MNd4RlSYWuWWrcxtrT6CjJhDjFLE1iYA4BLYrOplZhI' } }), '{}')
    values.learn('POST /session', response(null, ['sid=Zq3xT0kP9vL2mN8bR4cW7y; Path=/; HttpOnly']), '{}')
    expect(values.redact("curl -H 'authorization: Bearer ada.reader.1796194974283.MNd4RlSYWuWWrcxtrT6CjJhDjFLE1iYA4BLYrOplZhI'")).toBe(
      "curl -H 'authorization: Bearer <token from POST /login>'",
    )
    expect(values.redact("curl -H 'cookie: sid=Zq3xT0kP9vL2mN8bR4cW7y'")).toBe("curl -H 'cookie: sid=<cookie sid from POST /session>'")
  })

  it('name a token a check altered (another role before the same signature) as altered', () => {
    const values = createRunValues()
    values.learn('POST /login', response({ token: 'ada.reader.1796194974283.MNd4RlSYWuWWrcxtrT6CjJhDjFLE1iYA4BLYrOplZhI' }), '{}')
    expect(values.redact('Bearer ada.admin.1796194974283.MNd4RlSYWuWWrcxtrT6CjJhDjFLE1iYA4BLYrOplZhI')).toBe(
      'Bearer <token from POST /login, altered>',
    )
  })

  it('leave what the checks sent themselves, short values and text with spaces as they are', () => {
    const values = createRunValues()
    values.learn(
      'POST /users',
      response({ password: 'correct-horse-battery', id: 3, email: 'ada@example.com', note: 'a long note with spaces in it' }),
      '{"password":"correct-horse-battery"}',
    )
    const text = 'correct-horse-battery 3 ada@example.com a long note with spaces in it'
    expect(values.redact(text)).toBe(text)
    expect(values.redact(undefined)).toBeUndefined()
  })
})
