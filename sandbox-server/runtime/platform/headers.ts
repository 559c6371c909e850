/**
 * Headers for the isolate, as the Fetch Standard describes them: names validated and
 * lower-cased, values trimmed and checked, iteration sorted with repeated names combined
 * except Set-Cookie, `getSetCookie()`, and the immutable guard of Response.error/redirect.
 *
 * Why our own: headers-polyfill 5 silently drops a value with surrounding spaces instead of
 * trimming it, ignores invalid names instead of throwing, and stores Set-Cookie joined and
 * splits it again by guesswork. This module must never reorder or merge Set-Cookie values.
 */

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/
const EDGE_WHITESPACE = /^[\t\n\r ]+|[\t\n\r ]+$/g
const FORBIDDEN_IN_VALUE = /[\0\r\n]/

export type HeadersInit = Headers | Iterable<Iterable<string>> | Record<string, string>

// Headers whose guard is "immutable"; a WeakSet keeps the flag off the public object.
const immutable = new WeakSet<Headers>()

function checkName(name: unknown, method: string): string {
  const text = String(name)
  if (!TOKEN.test(text)) throw new TypeError(`Headers.${method}: "${text}" is an invalid header name.`)
  return text.toLowerCase()
}

function checkValue(value: unknown, method: string): string {
  const text = String(value).replace(EDGE_WHITESPACE, '')
  if (FORBIDDEN_IN_VALUE.test(text)) throw new TypeError(`Headers.${method}: "${text}" is an invalid header value.`)
  return text
}

export class Headers {
  // [lower-case name, value] in the order they were added.
  #list: [string, string][] = []

  constructor(init?: HeadersInit | null) {
    if (init === undefined || init === null) return
    if (init instanceof Headers) {
      for (const [name, value] of init.#list) this.#list.push([name, value])
    } else if (typeof init === 'object' && Symbol.iterator in init) {
      for (const pair of init as Iterable<Iterable<string>>) {
        const entry = typeof pair === 'string' ? null : Array.from(pair)
        if (!entry || entry.length !== 2) throw new TypeError('Headers constructor: expected name/value pair to be length 2.')
        this.append(entry[0], entry[1])
      }
    } else if (typeof init === 'object') {
      for (const name of Object.keys(init)) this.append(name, (init as Record<string, string>)[name])
    } else {
      throw new TypeError('Headers constructor: expected a record or a sequence of name/value pairs.')
    }
  }

  append(name: string, value: string): void {
    const key = checkName(name, 'append')
    const text = checkValue(value, 'append')
    this.#checkMutable()
    this.#list.push([key, text])
  }

  set(name: string, value: string): void {
    const key = checkName(name, 'set')
    const text = checkValue(value, 'set')
    this.#checkMutable()
    const first = this.#list.findIndex(([n]) => n === key)
    if (first === -1) {
      this.#list.push([key, text])
      return
    }
    this.#list[first] = [key, text]
    this.#list = this.#list.filter(([n], index) => n !== key || index === first)
  }

  delete(name: string): void {
    const key = checkName(name, 'delete')
    this.#checkMutable()
    this.#list = this.#list.filter(([n]) => n !== key)
  }

  get(name: string): string | null {
    const key = checkName(name, 'get')
    const values = this.#list.filter(([n]) => n === key).map(([, v]) => v)
    return values.length === 0 ? null : values.join(', ')
  }

  getSetCookie(): string[] {
    return this.#list.filter(([n]) => n === 'set-cookie').map(([, v]) => v)
  }

  has(name: string): boolean {
    const key = checkName(name, 'has')
    return this.#list.some(([n]) => n === key)
  }

  forEach(callback: (value: string, name: string, parent: Headers) => void, thisArg?: unknown): void {
    for (const [name, value] of this.entries()) callback.call(thisArg, value, name, this)
  }

  *entries(): IterableIterator<[string, string]> {
    // "Sort and combine": byte order of lower-case names, one entry per Set-Cookie value.
    const names = [...new Set(this.#list.map(([n]) => n))].sort()
    for (const name of names) {
      if (name === 'set-cookie') {
        for (const value of this.getSetCookie()) yield [name, value]
      } else {
        yield [name, this.get(name) as string]
      }
    }
  }

  *keys(): IterableIterator<string> {
    for (const [name] of this.entries()) yield name
  }

  *values(): IterableIterator<string> {
    for (const [, value] of this.entries()) yield value
  }

  [Symbol.iterator](): IterableIterator<[string, string]> {
    return this.entries()
  }

  get [Symbol.toStringTag](): string {
    return 'Headers'
  }

  #checkMutable(): void {
    if (immutable.has(this)) throw new TypeError('Headers are immutable.')
  }
}

/** Makes `headers` refuse every change, as the Fetch Standard's "immutable" guard does. */
export function makeHeadersImmutable(headers: Headers): Headers {
  immutable.add(headers)
  return headers
}
