/**
 * Test-writing exercises: the learner's tests are untrusted code, so they run inside the
 * sandbox, against the exercise's app (`./app`), through the real HTTP API.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, type TestApp } from './support/server.ts'

let server: TestApp
beforeAll(async () => {
  server = await createTestApp()
})
afterAll(() => server.close())

const EXERCISE = 'write-the-tests'

function testFile(body: string) {
  return `import { describe, test, expect } from 'sandbox/test'\nimport app from './app'\n${body}\n`
}

async function runTests(code: string) {
  const id = await server.createApp(code, EXERCISE)
  return { id, ...(await server.api('POST', `/sessions/${id}/tests`)) }
}

describe('learner-written tests', () => {
  it('runs each test against the app under test, with Vitest messages and the failing line', async () => {
    const { status, body } = await runTests(
      testFile(
        [
          `describe('GET /users/:id', () => {`,
          `  test('finds Grace', async () => {`,
          `    const res = await app.request('/users/1')`,
          `    expect(await res.json()).toMatchObject({ name: 'Grace Hopper' })`,
          `  })`,
          `  test('expects the wrong status', async () => {`,
          `    const res = await app.request('/users/999')`,
          `    expect(res.status).toBe(200)`,
          `  })`,
          `})`,
          `test('throws', () => { throw new Error('boom') })`,
        ].join('\n'),
      ),
    )
    expect(status).toBe(200)
    expect(body).toMatchObject({ passed: 1, failed: 2 })
    expect(body.tests.map((test: { name: string; status: string }) => [test.name, test.status])).toEqual([
      ['GET /users/:id > finds Grace', 'pass'],
      ['GET /users/:id > expects the wrong status', 'fail'],
      ['throws', 'fail'],
    ])
    expect(body.tests[1]).toMatchObject({ message: 'expected 404 to be 200', at: 'app.test.ts:10:24' })
    expect(body.tests[2]).toMatchObject({ message: 'boom', at: 'app.test.ts:13:30' })
  })

  it('starts every run from the exercise’s data, and leaves the learner’s own database alone', async () => {
    const signUpOnce = testFile(
      `test('signs up Ada', async () => {\n` +
        `  const res = await app.request('/users', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'ada@example.com', name: 'Ada' }) })\n` +
        `  expect(res.status).toBe(201)\n` +
        `})`,
    )
    const { id, body: first } = await runTests(signUpOnce)
    const second = await server.api('POST', `/sessions/${id}/tests`)
    expect([first.passed, second.body.passed]).toEqual([1, 1])
    const rows = await server.api('GET', `/sessions/${id}/db/users`)
    expect(rows.body.total).toBe(1)
  })

  it('refuses to run tests in an exercise without an app under test', async () => {
    const id = await server.createApp(`import { Hono } from 'hono'\nexport default new Hono()`, 'first-route')
    const { status, body } = await server.api('POST', `/sessions/${id}/tests`)
    expect(status).toBe(409)
    expect(body.error.code).toBe('no_tests_exercise')
  })

  it('serves the app under test to the request console', async () => {
    const id = await server.createApp(testFile(`test('one', () => {})`), EXERCISE)
    const { body } = await server.send(id, { path: '/users/1' })
    expect(JSON.parse(body.body)).toEqual({ id: 1, email: 'grace@example.com', name: 'Grace Hopper' })
  })

  it('answers an empty run for a file without tests, and the check says how to start', async () => {
    const code = `import app from './app'\nexport const unused = app`
    const { id, status, body } = await runTests(code)
    expect([status, body.tests]).toEqual([200, []])
    const graded = await server.api('POST', `/sessions/${id}/grade`)
    expect(graded.body.tests[0]).toMatchObject({ status: 'fail', message: expect.stringContaining("import { test, expect } from 'sandbox/test'") })
  })

  it('runs beforeAll once per describe, and fails its tests with the hook’s error when it throws', async () => {
    const { body } = await runTests(
      testFile(
        [
          `let users = 0`,
          `describe('with Ada', () => {`,
          `  beforeAll(async () => {`,
          `    await app.request('/users', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'ada@example.com', name: 'Ada' }) })`,
          `    users++`,
          `  })`,
          `  test('Ada is user 2', async () => { expect((await (await app.request('/users/2')).json()).name).toBe('Ada') })`,
          `  test('she was created once', () => { expect(users).toBe(1) })`,
          `})`,
          `describe('broken setup', () => {`,
          `  beforeAll(() => { throw new Error('no database') })`,
          `  test('never really runs', () => {})`,
          `})`,
        ].join('\n'),
      ).replace('{ describe, test, expect }', '{ describe, test, expect, beforeAll }'),
    )
    expect(body.tests.map((test: { status: string; message?: string }) => [test.status, test.message])).toEqual([
      ['pass', undefined],
      ['pass', undefined],
      ['fail', 'no database'],
    ])
  })

  it('runs beforeEach and afterEach around each test, and awaits a forgotten .resolves', async () => {
    const { body } = await runTests(
      testFile(
        [
          `const seen: string[] = []`,
          `describe('hooks', () => {`,
          `  beforeEach(() => { seen.push('before') })`,
          `  afterEach(() => { seen.push('after') })`,
          `  test('first', () => { expect(seen).toEqual(['before']) })`,
          `  test('second', () => { expect(seen).toEqual(['before', 'after', 'before']) })`,
          `})`,
          `test('forgot await', () => { expect(Promise.resolve(1)).resolves.toBe(2) })`,
        ].join('\n'),
      ).replace('{ describe, test, expect }', '{ describe, test, expect, beforeEach, afterEach }'),
    )
    expect(body.tests.map((test: { status: string }) => test.status)).toEqual(['pass', 'pass', 'fail'])
    expect(body.tests[2].message).toBe('expected 1 to be 2 (this assertion was not awaited: write await before expect(...).resolves or .rejects)')
  })

  it('stops a test that loops, with the CPU limit', async () => {
    const { status, body } = await runTests(testFile(`test('spins', () => { while (true) {} })`))
    expect(status).toBe(422)
    expect(body.error).toMatchObject({ code: 'limit_exceeded', limit: 'cpu' })
  })

  it('keeps the host out of reach from inside a test', async () => {
    const { body } = await runTests(
      testFile(
        `test('looks around', () => { expect([typeof process, typeof (globalThis as any).__sandboxTest, typeof (globalThis as any).__sandboxDoor]).toEqual(['undefined', 'undefined', 'undefined']) })`,
      ),
    )
    expect(body.tests).toEqual([expect.objectContaining({ status: 'pass' })])
  })

  it('times results with the runner’s own clock, whatever a test does to Date', async () => {
    const { status, body } = await runTests(testFile(`test('breaks the clock', () => { (Date as any).now = () => 'soon' })`))
    expect(status).toBe(200)
    expect(body.tests[0]).toMatchObject({ name: 'breaks the clock', status: 'pass', durationMs: expect.any(Number) })
  })

  it('refuses ./app outside a test-writing exercise', async () => {
    const created = await server.api('POST', '/sessions', { code: `import app from './app'\nexport default app` })
    expect(created.status).toBe(422)
    expect(created.body.error).toMatchObject({ code: 'compile_error', message: expect.stringContaining('Cannot import "./app"') })
  })
})

describe('grading learner-written tests against mutants', () => {
  it('fails a suite that misses bugs, naming each bug it let through', async () => {
    const suite = testFile(
      `test('creates a user', async () => {\n` +
        `  const res = await app.request('/users', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'a@b.c', name: 'A' }) })\n` +
        `  expect(res.status).toBe(201)\n` +
        `})`,
    )
    const id = await server.createApp(suite, EXERCISE)
    const { status, body } = await server.api('POST', `/sessions/${id}/grade`)
    expect(status).toBe(200)
    const byName = Object.fromEntries(body.tests.map((test: { name: string; status: string }) => [test.name, test.status]))
    expect(byName).toMatchObject({
      'Your tests pass against the real app': 'pass',
      'Your tests catch the bug: a new user is answered with 200 instead of 201 Created': 'pass',
      'Your tests catch the bug: a name of only spaces is accepted': 'fail',
    })
    const missed = body.tests.find((test: { name: string }) => test.name.endsWith('only spaces is accepted'))
    expect(missed.message).toBe(
      'Your one test still passes against a copy of the app where a name of only spaces is accepted. Add a test that sends the request where this bug shows, and expects the right answer.',
    )
  })

  it('does not count a suite that fails on the real app', async () => {
    const id = await server.createApp(testFile(`test('wrong', async () => { expect((await app.request('/users/1')).status).toBe(404) })`), EXERCISE)
    const { body } = await server.api('POST', `/sessions/${id}/grade`)
    expect(body.tests[0]).toMatchObject({ status: 'fail', message: expect.stringContaining('✗ wrong (app.test.ts:3:') })
    expect(body.tests.slice(1).every((test: { status: string }) => test.status === 'skipped')).toBe(true)
  })
})

describe('learner tests judge behaviour, not source, and cannot change their own verdict', () => {
  it('sees no source text of the app under test', async () => {
    const { body } = await runTests(
      testFile(
        `test('reads a handler', () => {\n` +
          `  const texts = app.routes.map((route) => String(route.handler) + Function.prototype.toString.call(route.handler))\n` +
          `  expect(texts.join('\\n')).toContain('201')\n` +
          `})`,
      ),
    )
    expect(body.tests[0]).toMatchObject({
      status: 'fail',
      message: expect.stringContaining('[source hidden: tests in the sandbox judge what an app does'),
    })
  })

  it('gets no grade for a suite that compares the app’s source with the original', async () => {
    // Every planted bug changes the source, so this would catch them all if it could read it.
    const mutated = [
      'return c.json({ id, email, name }, 201)',
      'body.email.trim().toLowerCase()',
      "c.header('Location', `/users/${id}`)",
      "if (!email.includes('@'))",
      "db.get('SELECT id FROM users WHERE email = ?', [email])",
      "body.name.trim() : ''",
      "if (!user) return c.json({ error: 'no such user' }, 404)",
    ]
    const id = await server.createApp(
      testFile(
        `test('source is the original', () => {\n` +
          `  const source = app.routes.map((route) => String(route.handler)).join('\\n')\n` +
          `  for (const part of ${JSON.stringify(mutated)}) expect(source).toContain(part)\n` +
          `})`,
      ),
      EXERCISE,
    )
    const { body } = await server.api('POST', `/sessions/${id}/grade`)
    expect(body.score).toBe(0)
    expect(body.tests[0]).toMatchObject({ name: 'Your tests pass against the real app', status: 'fail' })
  })

  it('records a failure even when the test file patches Array.prototype.push or Promise.prototype.then', async () => {
    const { body } = await runTests(
      testFile(
        [
          `const realPush = Array.prototype.push`,
          `Array.prototype.push = function (...items) { for (const item of items) if (item && item.status === 'fail') item.status = 'pass'; return realPush.apply(this, items) }`,
          `try { Promise.prototype.then = function (ok) { return ok() } } catch {}`,
          `test('fails for real', async () => { expect((await app.request('/users/999')).status).toBe(200) })`,
        ].join('\n'),
      ),
    )
    expect(body).toMatchObject({ passed: 0, failed: 1 })
    expect(body.tests[0]).toMatchObject({ name: 'fails for real', status: 'fail', message: 'expected 404 to be 200' })
  })
})

describe('what a test file can send back is bounded', () => {
  it('keeps 200 characters of a long test name', async () => {
    const { body } = await runTests(testFile(`test('x'.repeat(100000), () => {})`))
    expect(body.tests[0].name).toBe('x'.repeat(200))
  })

  it('cannot wrap the sandbox module to record how the app works', async () => {
    const { body } = await runTests(
      testFile(
        `import { db } from 'sandbox'\ntest('wraps db.get', () => { const calls = []; const real = db.get; db.get = (...args) => { calls.push(args[0]); return real(...args) }; expect(db.get).toBe(real) })`,
      ),
    )
    // The assignment is ignored (or throws in strict code): db.get is still the sandbox's own.
    expect(body.tests[0]).toMatchObject({ name: 'wraps db.get', status: 'pass' })
  })
})
