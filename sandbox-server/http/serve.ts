/**
 * The Node HTTP server around the Hono app, with the hygiene a public port needs: a client
 * gets a few seconds to send its headers and a bounded time for its whole request (Node's
 * default would hold a slow body for 300 s), and the number of open connections is capped.
 * `npm start` and the tests start the server through here, so they run the same settings.
 */
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { serve } from '@hono/node-server'
import { timeServerRequests } from '../observability/phase-timings.ts'

export interface SandboxServerOptions {
  fetch: (request: Request, env: unknown) => Response | Promise<Response>
  port: number
  hostname?: string
  /** Time a client has to send the request headers. Default 10 s (HEADERS_TIMEOUT_MS). */
  headersTimeoutMs?: number
  /** Time a client has to send the whole request, body included; then 408 and the connection closes. Default 30 s (REQUEST_TIMEOUT_MS). */
  requestTimeoutMs?: number
  /** Open connections at most; further ones are closed at once. Default 500 (MAX_CONNECTIONS). */
  maxConnections?: number
}

/**
 * Starts listening; resolves once the port is bound.
 *
 * @example
 * const { server, port } = await startSandboxServer({ fetch: app.fetch, port: 3000 })
 */
export async function startSandboxServer({
  fetch,
  port,
  hostname,
  headersTimeoutMs = 10_000,
  requestTimeoutMs = 30_000,
  maxConnections = 500,
}: SandboxServerOptions): Promise<{ server: Server; port: number }> {
  const server = serve({
    fetch,
    port,
    hostname,
    serverOptions: {
      // Node refuses a header timeout longer than the request timeout.
      headersTimeout: Math.min(headersTimeoutMs, requestTimeoutMs),
      requestTimeout: requestTimeoutMs,
      // Node checks these timeouts on this interval (its default, 30 s, would let a slow body stay that much longer).
      connectionsCheckingInterval: Math.max(10, Math.min(1000, Math.floor(Math.min(headersTimeoutMs, requestTimeoutMs) / 4))),
    },
  }) as Server
  server.maxConnections = maxConnections
  timeServerRequests(server)
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve)
    server.once('error', reject)
  })
  return { server, port: (server.address() as AddressInfo).port }
}
