/**
 * Hono's own modules in learner code, as Hono's docs use them: JSX (a file with JSX compiles as
 * TSX through hono/jsx), the other routers, connection info and ip-restriction fed with the
 * caller's address, `env()` from hono/adapter answering the exercise's environment, `hc` and
 * `testClient` in learner tests, hono/compress gzipping an answer on the live URL, and a reason for every module the sandbox refuses. Real server,
 * real isolates.
 */
import { gunzipSync } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestServer, type TestServer } from './support/server.ts'

let server: TestServer
beforeAll(async () => {
  server = await startTestServer()
})
afterAll(() => server.close())

const live = (id: string, path: string, headers: Record<string, string> = {}) =>
  server.raw('GET', path, { headers: { host: `${id}.localhost:${server.port}`, ...headers } })

describe('JSX through hono/jsx', () => {
  const jsxApp = `
    import { Hono } from 'hono'
    import type { FC } from 'hono/jsx'
    import { jsxRenderer } from 'hono/jsx-renderer'

    const Layout: FC = (props) => <html><body>{props.children}</body></html>
    const Top: FC<{ messages: string[] }> = ({ messages }) => (
      <Layout>
        <h1>Hello Hono!</h1>
        <ul>{messages.map((message) => <li>{message}!!</li>)}</ul>
      </Layout>
    )

    const app = new Hono()
    app.get('/', (c) => c.html(<Top messages={['Good Morning', 'Good Evening', '<script>']} />))
    app.use('/page/*', jsxRenderer(({ children }) => <html><head><title>Page</title></head><body>{children}</body></html>))
    app.get('/page/about', (c) => c.render(<p>About {c.req.query('who')}</p>))
    export default app`

  it('renders components to HTML, escaping text, on the live URL and through the API', async () => {
    const id = await server.createApp(jsxApp)
    const page = await live(id, '/')
    expect(page.headers['content-type']).toBe('text/html; charset=UTF-8')
    expect(page.text).toBe(
      '<html><body><h1>Hello Hono!</h1><ul><li>Good Morning!!</li><li>Good Evening!!</li><li>&lt;script&gt;!!</li></ul></body></html>',
    )
    const rendered = await server.send(id, { path: '/page/about?who=%3Cb%3E' })
    expect(rendered.body.body).toBe('<!DOCTYPE html><html><head><title>Page</title></head><body><p>About &lt;b&gt;</p></body></html>')
  })

  it('reports a JSX mistake as a TSX error at its line', async () => {
    const created = await server.api('POST', '/sessions', {
      code: `import { Hono } from 'hono'\nconst app = new Hono()\napp.get('/', (c) => c.html(<div><p>open</div>))\nexport default app`,
    })
    expect(created.status).toBe(422)
    expect(created.body.error.diagnostics[0]).toMatchObject({ line: 3, message: 'Unexpected closing "div" tag does not match opening "p" tag' })
  })
})

describe('routers', () => {
  it('runs an app on each of Hono’s routers', async () => {
    const routers = { RegExpRouter: 'reg-exp-router', TrieRouter: 'trie-router', LinearRouter: 'linear-router', PatternRouter: 'pattern-router' }
    for (const [name, path] of Object.entries(routers)) {
      const id = await server.createApp(`
        import { Hono } from 'hono'
        import { ${name} } from 'hono/router/${path}'
        const app = new Hono({ router: new ${name}() })
        app.get('/posts/:id', (c) => c.text(\`\${c.req.param('id')} via \${app.router.name}\`))
        export default app`)
      expect((await live(id, '/posts/7')).text).toBe(`7 via ${name}`)
    }
  })
})

describe('connection info and hono/ip-restriction', () => {
  const ipApp = `
    import { Hono } from 'hono'
    import { getConnInfo } from '@hono/node-server/conninfo'
    import { ipRestriction } from 'hono/ip-restriction'
    const app = new Hono()
    app.get('/whoami', (c) => c.json(getConnInfo(c).remote))
    app.use('/admin/*', ipRestriction(getConnInfo, { denyList: ['203.0.113.0/24'], allowList: ['127.0.0.1', '::1', '::ffff:127.0.0.1', '198.51.100.7'] }))
    app.get('/admin/panel', (c) => c.text('welcome'))
    export default app`

  it('tells the app the caller’s address as the socket saw it, on both live-URL forms', async () => {
    const id = await server.createApp(ipApp)
    const own = JSON.parse((await live(id, '/whoami')).text)
    expect(own).toMatchObject({ address: expect.stringMatching(/127\.0\.0\.1$/), port: expect.any(Number) })
    expect(['IPv4', 'IPv6']).toContain(own.addressType)
    const path = await server.raw('GET', `/s/${id}/whoami`)
    expect(JSON.parse(path.text).address).toMatch(/127\.0\.0\.1$/)
    expect((await live(id, '/admin/panel')).text).toBe('welcome')
  })

  it('lets the API name the caller, so ip-restriction can be tried from the request console', async () => {
    const id = await server.createApp(ipApp)
    expect((await server.send(id, { path: '/whoami' })).body.body).toBe(JSON.stringify({ address: '127.0.0.1', addressType: 'IPv4' }))
    const denied = await server.api('POST', `/sessions/${id}/requests`, { method: 'GET', path: '/admin/panel', remoteAddress: '203.0.113.9' })
    expect([denied.body.status, denied.body.body]).toEqual([403, 'Forbidden'])
    const allowed = await server.api('POST', `/sessions/${id}/requests`, { method: 'GET', path: '/admin/panel', remoteAddress: '198.51.100.7' })
    expect([allowed.body.status, allowed.body.body]).toEqual([200, 'welcome'])
    const bad = await server.api('POST', `/sessions/${id}/requests`, { method: 'GET', path: '/', remoteAddress: 'localhost' })
    expect(bad.status).toBe(400)
    expect(bad.body.error.problems).toEqual([{ field: 'remoteAddress', message: expect.stringContaining('IPv4 or IPv6') }])
  })
})

describe('env() from hono/adapter', () => {
  const envApp = `
    import { Hono } from 'hono'
    import { env, getRuntimeKey } from 'hono/adapter'
    const app = new Hono()
    app.get('/env', (c) => {
      const { NAME, API_KEY } = env<{ NAME: string; API_KEY?: string }>(c)
      return c.json({ NAME: NAME ?? null, hasKey: API_KEY !== undefined, runtime: getRuntimeKey(), process: typeof process })
    })
    export default app`

  it('answers the environment the exercise declares, and no process object', async () => {
    const session = await server.sessions.create({ env: { NAME: 'Hono learner', API_KEY: 'test-key' } })
    expect((await server.api('PUT', `/sessions/${session.id}/code`, { code: envApp })).status).toBe(200)
    const answer = JSON.parse((await live(session.id, '/env')).text)
    expect(answer).toEqual({ NAME: 'Hono learner', hasKey: true, runtime: 'node', process: 'undefined' })
  })

  it('answers an empty environment in a playground', async () => {
    const id = await server.createApp(envApp)
    expect(JSON.parse((await live(id, '/env')).text)).toEqual({ NAME: null, hasKey: false, runtime: 'node', process: 'undefined' })
  })
})

describe('hc and testClient in learner tests', () => {
  it('calls the app under test through a typed client', async () => {
    const tests = [
      `import { describe, test, expect } from 'sandbox/test'`,
      `import { hc } from 'hono/client'`,
      `import { testClient } from 'hono/testing'`,
      `import app from './app'`,
      `const client = hc<typeof app>('http://localhost', { fetch: app.request })`,
      `test('finds Grace through hc', async () => {`,
      `  const res = await client.users[':id'].$get({ param: { id: '1' } })`,
      `  expect(res.status).toBe(200)`,
      `  expect(await res.json()).toMatchObject({ name: 'Grace Hopper' })`,
      `})`,
      `test('misses through testClient', async () => {`,
      `  const res = await testClient(app).users[':id'].$get({ param: { id: '999' } })`,
      `  expect(res.status).toBe(404)`,
      `})`,
    ].join('\n')
    const id = await server.createApp(tests, 'write-the-tests')
    const { status, body } = await server.api('POST', `/sessions/${id}/tests`)
    expect(status).toBe(200)
    expect(body.tests.map((test: { name: string; status: string; message?: string }) => [test.name, test.status, test.message])).toEqual([
      ['finds Grace through hc', 'pass', undefined],
      ['misses through testClient', 'pass', undefined],
    ])
  })
})

describe('hono/compress', () => {
  const compressApp = `
    import { Hono } from 'hono'
    import { compress } from 'hono/compress'

    const app = new Hono()
    app.use(compress())
    app.get('/items', (c) => c.json(Array.from({ length: 500 }, (_, id) => ({ id, name: 'Item ' + id, tags: ['compressible', 'ü'] }))))
    export default app`
  const expected = JSON.stringify(Array.from({ length: 500 }, (_, id) => ({ id, name: 'Item ' + id, tags: ['compressible', 'ü'] })))

  it('gzips a large JSON answer on the live URL when the request accepts gzip, and only then', async () => {
    const id = await server.createApp(compressApp)
    const gzipped = await live(id, '/items', { 'accept-encoding': 'gzip' })
    expect(gzipped.status).toBe(200)
    expect(gzipped.headers['content-encoding']).toBe('gzip')
    expect(gzipped.headers['vary']).toBe('Accept-Encoding')
    expect(gzipped.bytes.length).toBeLessThan(expected.length / 4)
    expect(gunzipSync(gzipped.bytes).toString()).toBe(expected)

    const plain = await live(id, '/items')
    expect(plain.status).toBe(200)
    expect(plain.headers['content-encoding']).toBeUndefined()
    expect(plain.text).toBe(expected)
  })
})

describe('modules the sandbox refuses', () => {
  it.each([
    ['hono/context-storage', 'AsyncLocalStorage'],
    ['hono/serve-static', 'no file system'],
    ['hono/jsx/dom/client', 'renders in the browser'],
    ['hono/bun', 'export default app'],
    ['@hono/node-server', 'instead of serve()'],
    ['node:fs', 'Node built-in'],
    ['lodash', 'You can import: hono'],
  ])('%s: says why', async (module, reason) => {
    const created = await server.api('POST', '/sessions', { code: `import * as m from '${module}'\nconsole.log(m)\nexport default {}` })
    expect(created.status).toBe(422)
    expect(created.body.error.diagnostics[0].message).toContain(`Cannot import "${module}" in the sandbox`)
    expect(created.body.error.diagnostics[0].message).toContain(reason)
  })
})
