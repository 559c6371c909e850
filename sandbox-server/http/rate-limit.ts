/**
 * Who the client is (its socket's address, or the one a trusted proxy names) and the per-client
 * limits on the API's costly routes (creating sessions, grading): a fixed window a minute per
 * client address, answered with 429 and Retry-After when it is used up.
 */
import type { Context, MiddlewareHandler } from 'hono'
import { BlockList, isIP } from 'node:net'
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

/** Clients that a trusted proxy named in X-Forwarded-For (see `believeProxies`), by request. */
const forwardedClients = new WeakMap<Request, string>()

/**
 * A middleware that believes the last X-Forwarded-For address when the socket is a trusted
 * proxy's (addresses or CIDR ranges, e.g. `10.0.0.0/8`): behind HAProxy (`option forwardfor`).
 */
export function believeProxies(trustedProxies: string[]): MiddlewareHandler {
  const trusted = new BlockList()
  for (const entry of trustedProxies) {
    const [address = '', bits] = entry.split('/')
    const family = isIP(address) === 6 ? 'ipv6' : 'ipv4'
    if (isIP(address) === 0) throw new Error(`a trusted proxy must be an address or a CIDR range, not ${JSON.stringify(entry)}`)
    if (bits === undefined) trusted.addAddress(address, family)
    else trusted.addSubnet(address, Number(bits), family)
  }
  return async function believeProxy(c, next) {
    const socket = nodeRequest(c)?.socket.remoteAddress?.replace(/^::ffff:(?=\d+\.)/, '')
    const forwarded = c.req.header('x-forwarded-for')
    if (socket && forwarded && trusted.check(socket, isIP(socket) === 6 ? 'ipv6' : 'ipv4')) {
      // Earlier entries are whatever the client sent; the last is what the proxy saw.
      const client = forwarded.split(',').at(-1)!.trim()
      if (isIP(client) !== 0) forwardedClients.set(c.req.raw, client)
    }
    await next()
  }
}

/**
 * The client's address, for per-client limits and logs. Requests that came through no socket
 * (the app called in memory with `app.request()`, as tests do) count as one client.
 */
export function clientOf(c: Context): string {
  return forwardedClients.get(c.req.raw) ?? nodeRequest(c)?.socket.remoteAddress ?? 'unknown'
}

/** The caller as the socket (or a trusted proxy) saw it, for the app's getConnInfo; undefined in memory (the default caller then). */
export function remoteOf(c: Context): RemoteAddress | undefined {
  const forwarded = forwardedClients.get(c.req.raw)
  if (forwarded) return { address: forwarded, family: isIP(forwarded) === 6 ? 'IPv6' : 'IPv4' }
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
