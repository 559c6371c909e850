/**
 * Starts the real sandbox server (real HTTP, real isolates, real SQLite child processes) on a
 * free port for a test file, and gives small helpers to talk to it.
 */
import { request as httpRequest } from 'node:http'
import { createDbPool, type DbPoolOptions } from '../../sandbox-server/capabilities/db/index.ts'
import { createSessionStore, type SessionStoreOptions } from '../../sandbox-server/sessions/index.ts'
import { createServerApp, type ServerAppOptions } from '../../sandbox-server/http/app.ts'
import { startSandboxServer, type SandboxServerOptions } from '../../sandbox-server/http/serve.ts'
import { createLogger } from '../../sandbox-server/observability/index.ts'

export interface TestServer {
  url: string
  port: number
  sessions: Awaited<ReturnType<typeof createSessionStore>>
  /** fetch against the server; `path` starts with "/". */
  fetch(path: string, init?: RequestInit): Promise<Response>
  /**
   * One request on its own connection, with any headers (fetch forbids setting Host), e.g. to
   * reach a live URL as `<session>.localhost` while connecting to 127.0.0.1.
   */
  raw(method: string, path: string, options?: { headers?: Record<string, string>; body?: string | Buffer }): Promise<RawResponse>
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

export interface RawResponse {
  status: number
  headers: import('node:http').IncomingHttpHeaders
  text: string
}

function rawRequest(
  port: number,
  method: string,
  path: string,
  { headers = {}, body }: { headers?: Record<string, string>; body?: string | Buffer } = {},
) {
  return new Promise<RawResponse>((resolve, reject) => {
    const request = httpRequest({ host: '127.0.0.1', port, method, path, headers, agent: false }, (response) => {
      const chunks: Buffer[] = []
      response.on('data', (chunk: Buffer) => chunks.push(chunk))
      response.on('end', () => resolve({ status: response.statusCode!, headers: response.headers, text: Buffer.concat(chunks).toString() }))
    })
    request.on('error', reject)
    request.end(body)
  })
}

export async function startTestServer(
  options: {
    store?: Partial<SessionStoreOptions>
    /** App options; its logs are silent unless `app.logger` is given. */
    app?: Partial<ServerAppOptions>
    db?: DbPoolOptions
    http?: Partial<Omit<SandboxServerOptions, 'fetch' | 'port'>>
  } = {},
): Promise<TestServer> {
  const db = createDbPool(options.db)
  const sessions = await createSessionStore({ db, ...options.store })
  const app = createServerApp({
    sessions,
    sessionsPerMinute: 10_000,
    gradesPerMinute: 10_000,
    logger: createLogger({ level: 'silent' }),
    ...options.app,
  })
  const { server, port } = await startSandboxServer({ fetch: app.fetch, port: 0, hostname: '127.0.0.1', ...options.http })
  const url = `http://127.0.0.1:${port}`

  const api: TestServer['api'] = async (method, path, body) => {
    const response = await fetch(`${url}/api${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    })
    const text = await response.text()
    return { status: response.status, body: text ? JSON.parse(text) : null }
  }

  return {
    url,
    port,
    sessions,
    fetch: (path, init) => fetch(`${url}${path}`, init),
    raw: (method, path, options) => rawRequest(port, method, path, options),
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
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()))
      ;(server as import('node:http').Server).closeAllConnections()
      await closed
      await sessions.dispose()
      await db.dispose()
    },
  }
}
