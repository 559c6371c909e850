/**
 * Request for the isolate: what `app.fetch(request)` receives and what `new Request()` in
 * learner code builds. URL parsing, method normalisation, headers, body and signal follow the
 * Fetch Standard; the browser-only fields (mode, credentials, cache...) keep their defaults.
 *
 * This module must never resolve a relative URL against anything: there is no document here,
 * so, as in Node, `new Request('/path')` throws.
 */
import { initDictionary } from './dictionary.ts'
import { AbortController, type AbortSignal } from './abort.ts'
import { BodyMixin, extractBody, type BodyInit, type BodySource } from './body.ts'
import { Headers, type HeadersInit } from './headers.ts'
import { ReadableStream } from 'web-streams-polyfill'

export interface RequestInit {
  method?: string
  headers?: HeadersInit
  body?: BodyInit
  signal?: AbortSignal | null
  redirect?: 'follow' | 'error' | 'manual'
  duplex?: 'half'
  [browserOnly: string]: unknown
}

const NORMALIZED_METHODS = new Set(['DELETE', 'GET', 'HEAD', 'OPTIONS', 'POST', 'PUT'])
const FORBIDDEN_METHODS = new Set(['CONNECT', 'TRACE', 'TRACK'])
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/

function normalizeMethod(method: unknown): string {
  const text = String(method)
  if (!TOKEN.test(text)) throw new TypeError(`'${text}' is not a valid HTTP method.`)
  const upper = text.toUpperCase()
  if (FORBIDDEN_METHODS.has(upper)) throw new TypeError(`'${text}' HTTP method is unsupported.`)
  // Only the six standard methods are upper-cased; `patch` stays `patch`, as the standard says.
  return NORMALIZED_METHODS.has(upper) ? upper : text
}

function parseUrl(input: unknown): string {
  let url: URL
  try {
    url = new URL(String(input))
  } catch {
    throw new TypeError(`Failed to parse URL from ${String(input)}`)
  }
  if (url.username || url.password) {
    throw new TypeError(`Request cannot be constructed from a URL that includes credentials: ${String(input)}`)
  }
  return url.href
}

/** A signal that aborts when `parent` does, as the standard's "follow" gives each Request its own. */
function followSignal(parent: AbortSignal | null | undefined): AbortSignal {
  const controller = new AbortController()
  if (parent) {
    if (parent.aborted) controller.abort(parent.reason)
    else parent.addEventListener('abort', () => controller.abort(parent.reason), { once: true })
  }
  return controller.signal
}

export class Request extends BodyMixin {
  readonly #url: string
  readonly #method: string
  readonly #headers: Headers
  readonly #signal: AbortSignal
  readonly #redirect: 'follow' | 'error' | 'manual'

  constructor(input: string | URL | Request, options?: RequestInit) {
    const init = initDictionary<RequestInit>(options, 'Request constructor')
    const from = input instanceof Request ? input : null
    const url = from ? from.url : parseUrl(input)
    const method = init.method !== undefined ? normalizeMethod(init.method) : from ? from.method : 'GET'
    const headers = new Headers(init.headers !== undefined ? init.headers : from?.headers)

    const bodyless = method === 'GET' || method === 'HEAD'
    let source: BodySource | null = null
    if (init.body !== undefined && init.body !== null) {
      if (bodyless) throw new TypeError('Request with GET/HEAD method cannot have body.')
      // Node asks for `duplex: 'half'` before it accepts a stream body; the sandbox agrees.
      if (init.body instanceof ReadableStream && init.duplex !== 'half') {
        throw new TypeError('RequestInit: duplex option is required when sending a body.')
      }
      const extracted = extractBody(init.body)
      source = extracted.source
      if (extracted.contentType !== null && !headers.has('content-type')) headers.set('content-type', extracted.contentType)
    } else if (from && init.body === undefined && from.hasBody) {
      if (bodyless) throw new TypeError('Request with GET/HEAD method cannot have body.')
      source = from.takeSource()
    }

    super(source)
    this.#url = url
    this.#method = method
    this.#headers = headers
    this.#signal = followSignal(init.signal !== undefined ? init.signal : from?.signal)
    this.#redirect = init.redirect ?? from?.redirect ?? 'follow'
  }

  get url(): string {
    return this.#url
  }
  get method(): string {
    return this.#method
  }
  get headers(): Headers {
    return this.#headers
  }
  get signal(): AbortSignal {
    return this.#signal
  }
  get redirect(): 'follow' | 'error' | 'manual' {
    return this.#redirect
  }
  get cache(): string {
    return 'default'
  }
  get credentials(): string {
    return 'same-origin'
  }
  get destination(): string {
    return ''
  }
  get integrity(): string {
    return ''
  }
  get keepalive(): boolean {
    return false
  }
  get mode(): string {
    return 'cors'
  }
  get referrer(): string {
    return 'about:client'
  }
  get referrerPolicy(): string {
    return ''
  }
  get duplex(): string {
    return 'half'
  }

  clone(): Request {
    const source = this.cloneSource()
    const copy = new Request(this.#url, { method: this.#method, headers: this.#headers, signal: this.#signal, redirect: this.#redirect })
    copy.adoptSource(source)
    return copy
  }

  get [Symbol.toStringTag](): string {
    return 'Request'
  }
}
