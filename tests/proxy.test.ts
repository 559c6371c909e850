/**
 * Behind a load balancer (deploy/haproxy.cfg, `option forwardfor`), the client is the address
 * the proxy appended to X-Forwarded-For, but only when the connection comes from a trusted
 * proxy (`trustedProxies`, TRUSTED_PROXIES for `npm start`): for per-client limits and for the
 * learner's getConnInfo. Anyone else's X-Forwarded-For changes nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestServer, type TestServer } from './support/server.ts'

const WHOAMI = `import { Hono } from 'hono'
import { getConnInfo } from '@hono/node-server/conninfo'
const app = new Hono()
app.get('/whoami', (c) => c.text(getConnInfo(c).remote.address ?? ''))
export default app
`

describe('a trusted proxy', () => {
  let server: TestServer
  beforeAll(async () => {
    server = await startTestServer({ app: { trustedProxies: ['127.0.0.0/8'], sessionsPerMinute: 1 } })
  })
  afterAll(async () => {
    await server.close()
  })

  const create = (forwardedFor: string) =>
    server.raw('POST', '/api/sessions', { headers: { 'content-type': 'application/json', 'x-forwarded-for': forwardedFor }, body: '{}' })

  it('names the client a learner’s app sees: the last address of X-Forwarded-For', async () => {
    const id = await server.createApp(WHOAMI)
    const answer = await server.raw('GET', '/whoami', { headers: { host: `${id}.localhost`, 'x-forwarded-for': '198.51.100.1, 203.0.113.7' } })
    expect(answer.text).toBe('203.0.113.7')
  })

  it('counts the session limit per forwarded client', async () => {
    expect((await create('203.0.113.20')).status).toBe(201)
    expect((await create('203.0.113.20')).status).toBe(429)
    expect((await create('203.0.113.21')).status).toBe(201)
  })
})

describe('without a trusted proxy', () => {
  let server: TestServer
  beforeAll(async () => {
    server = await startTestServer()
  })
  afterAll(async () => {
    await server.close()
  })

  it('ignores X-Forwarded-For: the client is the socket’s address', async () => {
    const id = await server.createApp(WHOAMI)
    const answer = await server.raw('GET', '/whoami', { headers: { host: `${id}.localhost`, 'x-forwarded-for': '203.0.113.7' } })
    expect(answer.text).toMatch(/127\.0\.0\.1/)
  })
})
