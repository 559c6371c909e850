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

/** Where the path form serves an app: its prefix `/s/<session>` on the site's `origin`. */
export interface LivePath {
  prefix: string
  /** The site's origin, e.g. `http://localhost:3000`: what the app sees as its own (`c.req.url`). */
  origin: string
}

/**
 * A Location that would leave the session on the path form, moved back under its prefix:
 * root-relative ones (`/done`) and absolute ones on the site's own origin (what
 * `new URL('/done', c.req.url)` builds there). Other origins and relative paths are left alone.
 */
function scopeLocation(location: string, { prefix, origin }: LivePath): string {
  if (location.startsWith('/') && !location.startsWith('//')) return `${prefix}${location}`
  let url: URL
  try {
    url = new URL(location)
  } catch {
    return location
  }
  if (url.origin !== origin || url.pathname === prefix || url.pathname.startsWith(`${prefix}/`)) return location
  return `${origin}${prefix}${url.pathname}${url.search}${url.hash}`
}

/**
 * The safety headers every live answer gets; the README lists them and says why.
 * `x-content-type-options: nosniff` keeps a browser from running a text answer as a script.
 */
export const LIVE_SAFETY_HEADERS = { 'x-content-type-options': 'nosniff' } as const

/**
 * The headers to answer with. On the path form the answer is rewritten so it stays within the
 * prefix and cannot act on the site's origin: Clear-Site-Data is dropped, cookie paths and
 * Location move under the prefix, and `Content-Security-Policy: sandbox` is added beside the
 * app's own policy (a second header: browsers enforce both, so the app's policy still holds).
 */
export function liveResponseHeaders(response: SandboxResponse, path?: LivePath): Headers {
  const headers = new Headers()
  for (const [name, value] of response.headers) {
    const lower = name.toLowerCase()
    if (FRAMING_HEADERS.has(lower)) continue
    if (path) {
      if (lower === 'clear-site-data') continue
      if (lower === 'set-cookie') {
        headers.append(name, scopeCookiePath(value, path.prefix))
        continue
      }
      if (lower === 'location') {
        headers.set(name, scopeLocation(value, path))
        continue
      }
    }
    headers.append(name, value)
  }
  if (path) headers.append('content-security-policy', 'sandbox')
  for (const [name, value] of Object.entries(LIVE_SAFETY_HEADERS)) headers.set(name, value)
  return headers
}

/** Statuses whose responses carry no body. */
export function isNullBodyStatus(status: number): boolean {
  return status === 101 || status === 204 || status === 205 || status === 304
}
