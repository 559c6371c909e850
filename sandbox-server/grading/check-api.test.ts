/**
 * The check API's helpers, graded for real against a small app: each one passes on a right answer
 * and fails on a wrong one with a message that says what was sent, what came back and why.
 */
import { describe, expect, it } from 'vitest'
import { useExerciseFixture } from './exercise-fixture.ts'
import { gradeSubmission } from './grade.ts'
import { schemaMismatch, schemaMistake } from './json-schema.ts'
import type { GradeRecording } from './replay.ts'

const SEED = `CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL);\nINSERT INTO notes (body) VALUES ('one'), ('two');\n`

const APP = `import { Hono } from 'hono'
import { cache, crypto, db } from 'sandbox'
const app = new Hono()
let visits = 0
app.get('/visits', (c) => {
  visits += 1
  const shared = (cache.get<number>('visits') ?? 0) + 1
  cache.set('visits', shared)
  return c.json({ inThisCopy: visits, shared })
})
app.get('/me', (c) => c.json({ authorization: c.req.header('authorization') ?? null }))
app.get('/problem', (c) => c.json({ type: 'about:blank', title: 'Not Found', status: 404, detail: 'no such thing' }, 404, { 'content-type': 'application/problem+json' }))
app.get('/plain-error', (c) => c.json({ error: 'no such thing' }, 404))
app.get('/task', (c) => c.json({ id: 1, done: 'yes' }))
app.get('/private', (c) => c.json({ error: 'log in first' }, 401))
app.get('/verify', (c) => c.json({ right: crypto.verifyPassword(crypto.hashPassword('right'), 'wrong') }))
app.get('/notes/:body', (c) => c.json(db.get(\`SELECT id FROM notes WHERE body = '\${c.req.param('body')}'\`) ?? null))
app.post('/pair', (c) => {
  db.run("INSERT INTO notes (body) VALUES ('first')")
  db.run("INSERT INTO notes (body) VALUES ('second')")
  return c.json({ ok: true }, 201)
})
app.post('/names/:name', (c) => {
  if (db.get('SELECT id FROM notes WHERE body = ?', [c.req.param('name')])) return c.json({ taken: true }, 409)
  db.run('INSERT INTO notes (body) VALUES (?)', [c.req.param('name')])
  return c.json({ taken: false }, 201)
})
app.get('/signed/:text', (c) => c.json({ valid: crypto.verify(c.req.param('text'), c.req.query('signature') ?? '') }))
export default app
`

const DOC = {
  components: { schemas: { Task: { type: 'object', required: ['id', 'done'], properties: { id: { type: 'integer' }, done: { type: 'boolean' } } } } },
}

const CHECKS = `const DOC = ${JSON.stringify(DOC)}
export default [
  {
    name: 'bearer and expectJson pass',
    async run(t) {
      const response = await t.request('GET', '/me', { bearer: 'abc' })
      t.expectJson(response, 200, { authorization: 'Bearer abc' }, 'the token is sent as a header')
    },
  },
  {
    name: 'expectJson fails on the body',
    async run(t) {
      t.expectJson(await t.request('GET', '/me', { bearer: 'xyz' }), 200, { authorization: 'Bearer abc' }, 'the token was abc')
    },
  },
  {
    name: 'db.count counts rows',
    async run(t) {
      t.expect(await t.db.count('notes')).toBe(2)
    },
  },
  {
    name: 'expectProblem passes',
    async run(t) {
      t.expectProblem(await t.request('GET', '/problem'), 404, 'there is no such thing')
    },
  },
  {
    name: 'expectProblem fails on the content type',
    async run(t) {
      t.expectProblem(await t.request('GET', '/plain-error'), 404, 'there is no such thing')
    },
  },
  {
    name: 'expectUnauthorized fails without a challenge',
    async run(t) {
      t.expectUnauthorized(await t.request('GET', '/private'), 'nobody logged in')
    },
  },
  {
    name: 'crypto.sign signs as the app does',
    async run(t) {
      const signature = await t.crypto.sign('ada.soon')
      t.expectJson(await t.request('GET', \`/signed/ada.soon?signature=\${signature}\`), 200, { valid: true }, 'the app checks with its own key')
      t.expectStatus(await t.request('GET', '/me', { bearer: \`ada.soon.\${signature}\` }), 401, 'a failure shows where the signature came from')
    },
  },
  {
    name: 'crypto.passwordChecks counts verifyPassword calls',
    async run(t) {
      const before = await t.crypto.passwordChecks()
      t.expectJson(await t.request('GET', '/verify'), 200, { right: false }, 'the password is wrong')
      t.expect((await t.crypto.passwordChecks()) - before).toBe(1)
    },
  },
  {
    name: 'db.statements shows only the SQL of this check, as the app wrote it',
    async run(t) {
      t.expectJson(await t.request('GET', '/notes/two'), 200, { id: 2 }, 'note two exists')
      t.expect(await t.db.statements()).toEqual(["SELECT id FROM notes WHERE body = 'two'"])
    },
  },
  {
    name: 'db.failStatement fails the second write of a pair',
    async run(t) {
      await t.db.failStatement({ matching: 'insert into NOTES', skip: 1 })
      t.expectStatus(await t.request('POST', '/pair'), 500, 'the second INSERT failed')
      t.expect(await t.db.all('SELECT body FROM notes WHERE id > 2')).toEqual([{ body: 'first' }])
    },
  },
  {
    name: 'db.interleave runs its statement between the SELECT and the INSERT',
    async run(t) {
      await t.db.interleave({ before: 'INSERT INTO notes', sql: 'INSERT INTO notes (body) VALUES (?)', params: ['zoe'] })
      t.expectJson(await t.request('POST', '/names/zoe'), 201, { taken: false }, 'the SELECT ran before the other insert')
      t.expect(await t.db.all("SELECT id FROM notes WHERE body = 'zoe'")).toHaveLength(2)
    },
  },
  {
    name: 'restartApp starts a fresh copy that keeps the database and cache',
    async run(t) {
      t.expectJson(await t.request('GET', '/visits'), 200, { inThisCopy: 1, shared: 1 }, 'the first visit')
      const notes = await t.db.count('notes')
      await t.restartApp()
      t.expectJson(await t.request('GET', '/visits'), 200, { inThisCopy: 1, shared: 2 }, 'a new copy counts from 0; the cache is the same')
      t.expect(await t.db.count('notes')).toBe(notes)
    },
  },
  {
    name: 'restartApp is a step of a failed check',
    async run(t) {
      await t.restartApp()
      t.fail('failed after a restart')
    },
  },
  {
    name: 'expectSchema fails where the value breaks it',
    async run(t) {
      const response = await t.request('GET', '/task')
      t.expectSchema(response.json, { $ref: '#/components/schemas/Task' }, 'the document promises a Task', { root: DOC })
    },
  },
]
`

const fixture = useExerciseFixture('check-api', {
  'checks.ts': CHECKS,
  'seed.sql': SEED,
  'solution.ts': APP,
  'starter.ts': APP,
  'hints.md': '## A nudge\n\nRead the checks.\n\n## The idea\n\nAnswer them.\n',
})

describe('the check API', () => {
  it('passes right answers and explains wrong ones', async () => {
    const exercise = await fixture.load()
    const result = await gradeSubmission({ exercise, code: exercise.solution, sessions: fixture.sessions })
    expect(result.tests.map((test) => [test.name, test.status])).toEqual([
      ['bearer and expectJson pass', 'pass'],
      ['expectJson fails on the body', 'fail'],
      ['db.count counts rows', 'pass'],
      ['expectProblem passes', 'pass'],
      ['expectProblem fails on the content type', 'fail'],
      ['expectUnauthorized fails without a challenge', 'fail'],
      ['crypto.sign signs as the app does', 'fail'],
      ['crypto.passwordChecks counts verifyPassword calls', 'pass'],
      ['db.statements shows only the SQL of this check, as the app wrote it', 'pass'],
      ['db.failStatement fails the second write of a pair', 'pass'],
      ['db.interleave runs its statement between the SELECT and the INSERT', 'pass'],
      ['restartApp starts a fresh copy that keeps the database and cache', 'pass'],
      ['restartApp is a step of a failed check', 'fail'],
      ['expectSchema fails where the value breaks it', 'fail'],
    ])
    expect(result.tests[1]!.reproduction).toBe(`curl -i '$APP_URL/me' -H 'authorization: Bearer xyz'`)
    expect(result.tests[1]!.message).toMatch(/^GET \/me returned 200: the token was abc: expected \{ authorization: 'Bearer xyz' \} to deeply equal/)
    expect(result.tests[4]!.message).toBe(
      'GET /plain-error returned 404, which is right, but its Content-Type is application/json: an error answer should be application/problem+json, so clients know the body is a problem details object (RFC 9457)',
    )
    expect(result.tests[5]!.message).toBe(
      "GET /private returned 401, which is right, but without a WWW-Authenticate header: a 401 must say how to authenticate, here c.header('WWW-Authenticate', 'Bearer') before returning",
    )
    expect(result.tests[6]!.reproduction).toBe(`curl -i '$APP_URL/me' -H 'authorization: Bearer <signature from t.crypto.sign, altered>'`)
    expect(result.tests[13]!.message).toBe('{"id":1,"done":"yes"} does not match the schema (/done: must be boolean): the document promises a Task')
  })
})

describe('t.restartApp', () => {
  it('is recorded as a step, so a replay restarts the app where the grade did', async () => {
    const exercise = await fixture.load()
    let recording: GradeRecording | undefined
    await gradeSubmission({ exercise, code: exercise.solution, sessions: fixture.sessions, keep: (kept) => (recording = kept) })
    await fixture.sessions.delete(recording!.sessionId)
    expect(recording!.checks.find((check) => check.name === 'restartApp is a step of a failed check')?.steps).toEqual([{ kind: 'restart' }])
  })
})

describe('schemaMismatch', () => {
  it('follows $ref into the root document', () => {
    expect(schemaMismatch({ $ref: '#/components/schemas/Task' }, { id: 1, done: true }, { root: DOC })).toBeUndefined()
    expect(schemaMismatch({ type: 'array', items: { $ref: '#/components/schemas/Task' } }, [{ id: 1 }], { root: DOC })).toBe(
      '/0: must have required properties done',
    )
  })

  it('reports a schema that is not one instead of throwing, or quietly accepting everything', () => {
    expect(schemaMismatch('string', 'x')).toBe('the schema should be a JSON Schema object, not "string"')
    expect(schemaMistake({ type: 'array', items: { $ref: '#/components/schemas/Nope' } }, { root: DOC })).toBe(
      'the schema.items refers to #/components/schemas/Nope, which is not in the document',
    )
    expect(schemaMistake({ properties: { id: { type: 'int' } } })).toBe('the schema.properties.id has "type": "int", which is not a JSON Schema type')
  })
})
