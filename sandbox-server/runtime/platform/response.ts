/**
 * Response for the isolate: what learner handlers (and Hono's `c.json`, `c.text`, `c.body`...)
 * build and what the runtime turns into the HTTP answer. Status checks, null-body statuses,
 * `Response.json`, `Response.redirect` and `Response.error` follow the Fetch Standard.
 *
 * This module must never let a response with status 204, 205 or 304 carry a body, and never
 * let Response.error() or Response.redirect() headers change.
 */
import { BodyMixin, extractBody, type BodyInit, type BodySource } from './body.ts'
import { Headers, makeHeadersImmutable, type HeadersInit } from './headers.ts'
import { initDictionary } from './dictionary.ts'

export interface ResponseInit {
  status?: number
  statusText?: string
  headers?: HeadersInit
}

const NULL_BODY_STATUSES = new Set([101, 103, 204, 205, 304])
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308])
const REASON_PHRASE = /^[\t\x20-\x7e\x80-\xff]*$/

type ResponseType = 'basic' | 'cors' | 'default' | 'error' | 'opaque' | 'opaqueredirect'

/** The type the Fetch Standard gives a string body, and how @hono/node-server writes it on the wire. */
const STRING_BODY_TYPE = 'text/plain;charset=UTF-8'
const NODE_SERVER_TEXT_TYPE = 'text/plain; charset=UTF-8'

/**
 * How @hono/node-server would write a string body's implied type. Its own Response keeps the
 * body aside and, when the app gave no type, writes `text/plain; charset=UTF-8` (with a space),
 * also into the Headers it makes when someone reads `.headers`. Once something reaches the body
 * first (`.body`, a reader, `clone()`), it becomes a real Fetch Response typed the standard's way
 * (`text/plain;charset=UTF-8`). `pending`: neither happened yet; `read`: the headers were read
 * first (the space stays); `standard`: the body was reached first, or the type is not implied.
 */
type NodeServerTyping = 'pending' | 'read' | 'standard'

let nodeServerTyping: (response: Response) => NodeServerTyping

/**
 * The headers as @hono/node-server would write this response: the Fetch Standard's, except a
 * string body's implied type where node-server spells it its own way (see NodeServerTyping).
 *
 * @example
 * const headers = headersAsNodeServerWrites(new Response('hi')) // [['content-type', 'text/plain; charset=UTF-8']]
 */
export function headersAsNodeServerWrites(response: Response): [string, string][] {
  const typing = nodeServerTyping(response)
  const headers = [...response.headers]
  if (typing === 'standard') return headers
  return headers.map(([name, value]) => (name === 'content-type' && value === STRING_BODY_TYPE ? [name, NODE_SERVER_TEXT_TYPE] : [name, value]))
}

export class Response extends BodyMixin {
  #status: number
  #statusText: string
  #headers: Headers
  #type: ResponseType = 'default'
  #nodeServerTyping: NodeServerTyping = 'standard'

  static {
    nodeServerTyping = (response) => (#nodeServerTyping in response ? response.#nodeServerTyping : 'standard')
  }

  constructor(body: BodyInit = null, options?: ResponseInit) {
    const init = initDictionary<ResponseInit>(options, 'Response constructor')
    const status = init.status === undefined ? 200 : Number(init.status)
    if (!Number.isInteger(status) || status < 200 || status > 599) {
      throw new RangeError(`init["status"] must be in the range of 200 to 599, inclusive.`)
    }
    const statusText = init.statusText === undefined ? '' : String(init.statusText)
    if (!REASON_PHRASE.test(statusText)) throw new TypeError('Invalid statusText')
    const headers = new Headers(init.headers)

    let source: BodySource | null = null
    let typed = false
    if (body !== null && body !== undefined) {
      if (NULL_BODY_STATUSES.has(status)) throw new TypeError(`Response constructor: Invalid response status code ${status}`)
      const extracted = extractBody(body)
      source = extracted.source
      if (extracted.contentType !== null && !headers.has('content-type')) {
        headers.set('content-type', extracted.contentType)
        typed = extracted.contentType === STRING_BODY_TYPE
      }
    }

    super(source)
    this.#nodeServerTyping = typed ? 'pending' : 'standard'
    // Made from a node-server Response whose headers it read (Hono's HEAD answer is
    // `new Response(null, getResponse)`): the copied headers carry node-server's spelling.
    if (!typed && options instanceof Response && options.#nodeServerTyping === 'read' && headers.get('content-type') === STRING_BODY_TYPE) {
      this.#nodeServerTyping = 'read'
    }
    this.#status = status
    this.#statusText = statusText
    this.#headers = headers
  }

  get status(): number {
    return this.#status
  }
  get statusText(): string {
    return this.#statusText
  }
  get ok(): boolean {
    return this.#status >= 200 && this.#status <= 299
  }
  get headers(): Headers {
    if (this.#nodeServerTyping === 'pending') this.#nodeServerTyping = 'read'
    return this.#headers
  }

  protected override bodyTouched(): void {
    if (this.#nodeServerTyping === 'pending') this.#nodeServerTyping = 'standard'
  }
  get type(): ResponseType {
    return this.#type
  }
  get url(): string {
    return ''
  }
  get redirected(): boolean {
    return false
  }

  clone(): Response {
    const source = this.cloneSource()
    const copy = new Response(null, { status: this.#status === 0 ? 200 : this.#status, statusText: this.#statusText })
    copy.#status = this.#status
    copy.#headers = new Headers(this.#headers)
    copy.#type = this.#type
    copy.#nodeServerTyping = this.#nodeServerTyping
    copy.adoptSource(source)
    return copy
  }

  static error(): Response {
    const response = new Response(null, { status: 200 })
    response.#status = 0
    response.#type = 'error'
    makeHeadersImmutable(response.#headers)
    return response
  }

  static redirect(url: string | URL, status: number = 302): Response {
    let location: string
    try {
      location = new URL(String(url)).href
    } catch {
      throw new TypeError(`Failed to parse URL from ${String(url)}`)
    }
    if (!REDIRECT_STATUSES.has(status)) throw new RangeError(`Invalid status code ${status}`)
    const response = new Response(null, { status, headers: { location } })
    makeHeadersImmutable(response.#headers)
    return response
  }

  static json(data: unknown, init: ResponseInit = {}): Response {
    const text = JSON.stringify(data)
    if (text === undefined) throw new TypeError('Value is not JSON serializable')
    const headers = new Headers(init.headers)
    if (!headers.has('content-type')) headers.set('content-type', 'application/json')
    return new Response(text, { ...init, headers })
  }

  get [Symbol.toStringTag](): string {
    return 'Response'
  }
}
