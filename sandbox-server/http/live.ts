/**
 * Live URLs: every HTTP request to a learner's own URL goes into that learner's app, so they
 * can `curl` it. Two forms:
 * - its own origin, `http://<session>.localhost:PORT/<path>` (the one the UI shows): the
 *   learner's cookies, redirects and Clear-Site-Data cannot touch the site's origin;
 * - the fallback path `/s/<session>/<path>` on the site's origin, made safe by rewriting what
 *   the app answers (cookie paths, root-relative redirects) and sandboxing it with CSP.
 */
import type { SandboxResponse } from '../runtime/sandbox.ts'

export const SESSION_ID_PATTERN = /^[0-9a-f]{32}$/

/** Hop-by-hop and framing headers that the host's HTTP server sets itself. */
const FRAMING_HEADERS = new Set(['connection', 'keep-alive', 'transfer-encoding', 'content-length', 'upgrade', 'proxy-connection'])

/** The session id in a Host header such as `0123…ef.localhost:3000`, when it is a live host. */
export function sessionFromHost(host: string | undefined, liveHostSuffix: string): string | undefined {
  if (!host) return undefined
  const name = host.toLowerCase().replace(/:\d+$/, '')
  if (!name.endsWith(liveHostSuffix)) return undefined
  const id = name.slice(0, -liveHostSuffix.length)
  return SESSION_ID_PATTERN.test(id) ? id : undefined
}

/** The request headers the learner's app receives. */
export function forwardedRequestHeaders(headers: Headers): [string, string][] {
  return [...headers].filter(([name]) => !FRAMING_HEADERS.has(name))
}

function scopeCookiePath(cookie: string, prefix: string): string {
  const parts = cookie.split(';')
  let hasPath = false
  const scoped = parts.map((part, index) => {
    const match = index > 0 && /^\s*path\s*=\s*(.*)$/i.exec(part)
    if (!match) return part
    hasPath = true
    const path = match[1]!.trim()
    return ` Path=${prefix}${path.startsWith('/') ? path : `/${path}`}`
  })
  return hasPath ? scoped.join(';') : `${scoped.join(';')}; Path=${prefix}/`
}

/**
 * The headers to answer with. On the path form (`pathPrefix` = "/s/<session>") the answer is
 * rewritten so it stays within the prefix and cannot act on the site's origin.
 */
export function liveResponseHeaders(response: SandboxResponse, pathPrefix?: string): Headers {
  const headers = new Headers()
  for (const [name, value] of response.headers) {
    const lower = name.toLowerCase()
    if (FRAMING_HEADERS.has(lower)) continue
    if (pathPrefix) {
      if (lower === 'clear-site-data') continue
      if (lower === 'set-cookie') {
        headers.append(name, scopeCookiePath(value, pathPrefix))
        continue
      }
      if (lower === 'location' && value.startsWith('/') && !value.startsWith('//')) {
        headers.set(name, `${pathPrefix}${value}`)
        continue
      }
    }
    headers.append(name, value)
  }
  if (pathPrefix) headers.set('content-security-policy', 'sandbox')
  headers.set('x-content-type-options', 'nosniff')
  return headers
}

/** Statuses whose responses carry no body. */
export function isNullBodyStatus(status: number): boolean {
  return status === 101 || status === 204 || status === 205 || status === 304
}
