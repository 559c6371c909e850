/**
 * The real sandbox server for a test file (real isolates, real SQLite child processes) and small
 * helpers to talk to it. `createTestApp` answers through the Hono app in memory
 * (`app.request()`, no socket), which is what most tests need; `startTestServer` serves the
 * same app on a free port for the tests where the socket matters: live URLs reached by Host
 * name, bodies read from Node's request, the browser.
 */
import { rawRequest, type RawResponse } from './raw-request.ts'
import { createDbPool, type DbPoolOptions } from '../../sandbox-server/capabilities/db/index.ts'
import { createSessionStore, type SessionStore, type SessionStoreOptions } from '../../sandbox-server/sessions/index.ts'
import { localSessions, type ActivityFeedLimits, type SessionService } from '../../sandbox-server/sessions/service.ts'
import { createServerApp, type ServerAppOptions } from '../../sandbox-server/http/app.ts'
import { startSandboxServer, type SandboxServerOptions } from '../../sandbox-server/http/serve.ts'
import { createLogger } from '../../sandbox-server/observability/index.ts'

export { rawRequest, type RawResponse }

export interface TestAppOptions {
  store?: Partial<SessionStoreOptions>
  /** App options; its logs are silent unless `app.logger` is given. */
  app?: Partial<ServerAppOptions>
  db?: DbPoolOptions
  /** How long a grade is kept for replays (grading/kept-grades.ts); default 10 minutes. */
  keepGradeMs?: number
  /** Socket settings for startTestServer (timeouts, connection cap). */
  http?: Partial<Omit<SandboxServerOptions, 'fetch' | 'port'>>
  /** The request inspector's feed limits. */
  activityFeed?: ActivityFeedLimits
}

export interface TestApp {
  sessions: SessionStore
  /** The session service the app calls (the store, as the HTTP layer sees it). */
  service: SessionService
  /** A request to the server; `path` starts with "/". */
  fetch(path: string, init?: RequestInit): Promise<Response>
  /** JSON API call: returns status and parsed body. */
  api(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }>
  /** Creates a session and loads `code`; returns its id. */
  createApp(code: string, exerciseId?: string): Promise<string>
  /** Sends a request to a session's app through the API. */
  send(
    id: string,
    request: { method?: string; path: string; headers?: Record<string, string>; body?: unknown },
  ): Promise<{ status: number; body: any }>
  close(): Promise<void>
}

export interface TestServer extends TestApp {
  url: string
  port: number
  /**
   * One request on its own connection, with any headers (fetch forbids setting Host), e.g. to
   * reach a live URL as `<session>.localhost` while connecting to 127.0.0.1.
   */
  raw(method: string, path: string, options?: { headers?: Record<string, string>; body?: string | Buffer }): Promise<RawResponse>
}

/** The store and the Hono app, as `npm start` makes them (no rate limit unless asked for). */
async function createParts(options: TestAppOptions) {
  const db = createDbPool(options.db)
  const sessions = await createSessionStore({ db, ...options.store })
  const service = localSessions(sessions, { ...options.activityFeed, keepGradeMs: options.keepGradeMs })
  const app = createServerApp({
    sessions: service,
    sessionsPerMinute: 10_000,
    gradesPerMinute: 10_000,
    logger: createLogger({ level: 'silent' }),
    ...options.app,
  })
  const dispose = async () => {
    await sessions.dispose()
    await db.dispose()
  }
  return { sessions, service, app, dispose }
}

/** The helpers every test uses, over whichever transport `fetch` is. */
function helpers(sessions: SessionStore, service: SessionService, fetch: TestApp['fetch'], close: () => Promise<void>): TestApp {
  const api: TestApp['api'] = async (method, path, body) => {
    const response = await fetch(`/api${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    })
    const text = await response.text()
    return { status: response.status, body: text ? JSON.parse(text) : null }
  }
  return {
    sessions,
    service,
    fetch,
    api,
    async createApp(code, exerciseId) {
      const created = await api('POST', '/sessions', { code, ...(exerciseId ? { exerciseId } : {}) })
      if (created.status !== 201) throw new Error(`could not create app: ${JSON.stringify(created.body)}`)
      return created.body.sessionId as string
    },
    send(id, { method = 'GET', path, headers, body }) {
      return api('POST', `/sessions/${id}/requests`, {
        method,
        path,
        ...(headers ? { headers } : {}),
        ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
      })
    },
    close,
  }
}

/**
 * The server's app answering in memory through `app.request()`: no socket, no port.
 *
 * @example
 * const app = await createTestApp({ app: { sessionsPerMinute: 2 } })
 * const { status, body } = await app.api('POST', '/sessions', {})
 */
export async function createTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const { sessions, service, app, dispose } = await createParts(options)
  return helpers(sessions, service, async (path, init) => app.request(path, init), dispose)
}

/**
 * The server's app on a free port of 127.0.0.1, as `npm start` serves it; every helper goes
 * through the socket.
 *
 * @example
 * const server = await startTestServer()
 * await server.raw('GET', '/', { headers: { host: `${id}.localhost:${server.port}` } })
 */
export async function startTestServer(options: TestAppOptions = {}): Promise<TestServer> {
  const { sessions, service, app, dispose } = await createParts(options)
  const { server, port } = await startSandboxServer({ fetch: app.fetch, port: 0, hostname: '127.0.0.1', ...options.http })
  const url = `http://127.0.0.1:${port}`
  const close = async () => {
    const closed = new Promise<void>((resolve) => server.close(() => resolve()))
    server.closeAllConnections()
    await closed
    await dispose()
  }
  return {
    ...helpers(sessions, service, (path, init) => fetch(`${url}${path}`, init), close),
    url,
    port,
    raw: (method, path, options) => rawRequest(port, method, path, options),
  }
}
