/**
 * Who the client is (its socket's address) and the per-client limits on the API's costly routes
 * (creating sessions, grading): a fixed window a minute per client address, answered with 429
 * and Retry-After when it is used up.
 */
import type { Context } from 'hono'
import type { RemoteAddress } from '../runtime/sandbox.ts'
import { nodeRequest } from './bodies.ts'
import { ApiError } from './errors.ts'

/** A fixed window per client, enough to stop one client from filling the server with sessions. */
export function createRateLimiter(perMinute: number) {
  const windows = new Map<string, { start: number; count: number }>()
  return (client: string): boolean => {
    const now = Date.now()
    const window = windows.get(client)
    if (!window || now - window.start >= 60_000) {
      if (windows.size > 10_000) windows.clear()
      windows.set(client, { start: now, count: 1 })
      return true
    }
    window.count++
    return window.count <= perMinute
  }
}

/**
 * The client's address, for per-client limits and logs. Requests that came through no socket
 * (the app called in memory with `app.request()`, as tests do) count as one client.
 */
export function clientOf(c: Context): string {
  return nodeRequest(c)?.socket.remoteAddress ?? 'unknown'
}

/** The caller as the socket saw it, for the app's getConnInfo; undefined in memory (the default caller then). */
export function remoteOf(c: Context): RemoteAddress | undefined {
  const socket = nodeRequest(c)?.socket
  if (!socket?.remoteAddress) return undefined
  const family = socket.remoteFamily === 'IPv4' || socket.remoteFamily === 'IPv6' ? socket.remoteFamily : undefined
  return { address: socket.remoteAddress, port: socket.remotePort, family }
}

/** Throws a 429 with Retry-After when `client` has used its turns for this minute. */
export function enforceRate(c: Context, allow: (client: string) => boolean, code: string, message: string) {
  if (allow(clientOf(c))) return
  c.header('Retry-After', '60')
  throw new ApiError(429, code, message)
}
