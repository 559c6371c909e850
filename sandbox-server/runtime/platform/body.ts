/**
 * The body shared by Request and Response (the Fetch Standard's Body mixin): extracting a
 * body from what a constructor was given, `.body` as a ReadableStream, the one-time readers
 * (text, json, arrayBuffer, bytes, blob, formData), `bodyUsed` and cloning.
 *
 * Bytes stay bytes until someone asks for `.body`, so `c.json()` then `res.text()` never builds
 * a stream. This module must never hand out the array it keeps: readers get copies.
 */
import { Blob, bytesOfBlob } from './blob.ts'
import { FormData } from './form-data.ts'
import { ReadableStream } from 'web-streams-polyfill'
import { decodeFormData, encodeFormData } from './form-data-body.ts'
import type { Headers } from './headers.ts'
import { TextDecoder, TextEncoder } from './text-encoding.ts'

/** What a body is made of before anyone reads it. */
export type BodySource = { bytes: Uint8Array } | { stream: ReadableStream<Uint8Array> }

export type BodyInit = string | ArrayBuffer | ArrayBufferView | Blob | FormData | URLSearchParams | ReadableStream<Uint8Array> | null | undefined

const encoder = new TextEncoder()

/** The Fetch Standard's "extract a body": the source and the Content-Type it implies. */
export function extractBody(init: BodyInit): { source: BodySource | null; contentType: string | null } {
  if (init === null || init === undefined) return { source: null, contentType: null }
  if (typeof init === 'string') return { source: { bytes: encoder.encode(init) }, contentType: 'text/plain;charset=UTF-8' }
  if (init instanceof ArrayBuffer) return { source: { bytes: new Uint8Array(init.slice(0)) }, contentType: null }
  if (ArrayBuffer.isView(init)) {
    const bytes = new Uint8Array(init.buffer, init.byteOffset, init.byteLength).slice()
    return { source: { bytes }, contentType: null }
  }
  if (init instanceof URLSearchParams) {
    return {
      source: { bytes: encoder.encode(init.toString()) },
      contentType: 'application/x-www-form-urlencoded;charset=UTF-8',
    }
  }
  if (init instanceof Blob) {
    // A Blob's bytes never change, so the body may share them.
    return { source: { bytes: bytesOfBlob(init) }, contentType: init.type || null }
  }
  if (init instanceof FormData) {
    const { stream, contentType } = encodeFormData(init)
    return { source: { stream }, contentType }
  }
  if (init instanceof ReadableStream) {
    if (init.locked || isDisturbed(init)) throw new TypeError('Response body object should not be disturbed or locked')
    return { source: { stream: init }, contentType: null }
  }
  // Anything else is converted to a string, as WebIDL does for a USVString argument.
  return { source: { bytes: encoder.encode(String(init)) }, contentType: 'text/plain;charset=UTF-8' }
}

function isDisturbed(stream: ReadableStream): boolean {
  // web-streams-polyfill keeps the spec's [[disturbed]] slot as `_disturbed`; a test pins this.
  return (stream as unknown as { _disturbed?: boolean })._disturbed === true
}

function streamOfBytes(bytes: Uint8Array): ReadableStream<Uint8Array> {
  return new ReadableStream({
    type: 'bytes',
    pull(controller) {
      if (bytes.byteLength > 0) controller.enqueue(bytes.slice())
      controller.close()
    },
  })
}

/**
 * Reads a byte stream to its end. With `maxBytes`, stops (and cancels the stream) as soon as
 * it has more than that, and answers with the count so far instead of the bytes.
 */
export async function readAll(stream: ReadableStream<Uint8Array>): Promise<Uint8Array>
export async function readAll(stream: ReadableStream<Uint8Array>, maxBytes: number): Promise<Uint8Array | number>
export async function readAll(stream: ReadableStream<Uint8Array>, maxBytes = Number.POSITIVE_INFINITY): Promise<Uint8Array | number> {
  const reader = stream.getReader()
  const chunks: Uint8Array[] = []
  let length = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    if (!(value instanceof Uint8Array)) throw new TypeError('Received non-Uint8Array chunk')
    chunks.push(value)
    length += value.byteLength
    if (length > maxBytes) {
      reader.cancel().catch(() => {})
      return length
    }
  }
  if (chunks.length === 1) return chunks[0]
  const bytes = new Uint8Array(length)
  let at = 0
  for (const chunk of chunks) {
    bytes.set(chunk, at)
    at += chunk.byteLength
  }
  return bytes
}

let peekBytes: (body: BodyMixin) => Uint8Array | null | undefined

/**
 * A body's bytes without reading a stream or awaiting anything, for the runtime's answer: the
 * bytes it was made from, null when it has none, undefined when only its stream can tell (a
 * streamed body, or one already read). Never hand the array to learner code: it is the body's own.
 */
export function bufferedBytes(body: BodyMixin): Uint8Array | null | undefined {
  return peekBytes(body)
}

/** The Body mixin as a base class; Request and Response hand it their source and headers. */
export abstract class BodyMixin {
  #source: BodySource | null
  #stream: ReadableStream<Uint8Array> | null = null
  #consumed = false

  static {
    peekBytes = (body) => {
      if (!(#source in body)) return undefined
      if (body.#source === null) return null
      return body.#stream === null && !body.#consumed && 'bytes' in body.#source ? body.#source.bytes : undefined
    }
  }

  constructor(source: BodySource | null) {
    this.#source = source
  }

  abstract get headers(): Headers

  /** Called whenever the body is reached (`.body`, `.bodyUsed`, a reader); Response follows it. */
  protected bodyTouched(): void {}

  get body(): ReadableStream<Uint8Array> | null {
    this.bodyTouched()
    if (this.#source === null) return null
    if (this.#stream === null) {
      if ('stream' in this.#source) this.#stream = this.#source.stream
      else this.#stream = streamOfBytes(this.#consumed ? new Uint8Array(0) : this.#source.bytes)
    }
    return this.#stream
  }

  /** Whether there is a body at all, without creating `.body`'s stream. */
  protected get hasBody(): boolean {
    return this.#source !== null
  }

  get bodyUsed(): boolean {
    this.bodyTouched()
    return this.#consumed || (this.#stream !== null && isDisturbed(this.#stream))
  }

  async arrayBuffer(): Promise<ArrayBuffer> {
    return (await this.bytes()).buffer as ArrayBuffer
  }

  async bytes(): Promise<Uint8Array> {
    const bytes = await this.#consume()
    // A clone may share these bytes: hand out a copy the caller may change.
    return bytes.slice()
  }

  async text(): Promise<string> {
    return new TextDecoder().decode(await this.#consume())
  }

  async json(): Promise<unknown> {
    return JSON.parse(await this.text())
  }

  async blob(): Promise<Blob> {
    const bytes = await this.#consume()
    return new Blob([bytes], { type: this.headers.get('content-type') ?? '' })
  }

  async formData(): Promise<FormData> {
    const bytes = await this.#consume()
    return decodeFormData(bytes, this.headers.get('content-type'))
  }

  /** The source a clone starts from; a stream is teed so both sides can read it. */
  protected cloneSource(): BodySource | null {
    if (this.bodyUsed) throw new TypeError('Body has already been consumed.')
    if (this.#source === null) return null
    if (this.#stream === null && 'bytes' in this.#source) return { bytes: this.#source.bytes }
    const body = this.body as ReadableStream<Uint8Array>
    if (body.locked) throw new TypeError('Body is locked.')
    const [mine, theirs] = body.tee()
    this.#source = { stream: mine }
    this.#stream = mine
    return { stream: theirs }
  }

  /** Starts this (fresh) object over with `source`; clone() uses it on the copy it made. */
  protected adoptSource(source: BodySource | null): void {
    this.#source = source
    this.#stream = null
    this.#consumed = false
  }

  /** Hands the source to a new Request built from this one and marks this body used. */
  protected takeSource(): BodySource | null {
    if (this.bodyUsed) throw new TypeError('Cannot construct a Request with a Request object that has already been used.')
    const source = this.#source
    if (source !== null) this.#consumed = true
    return source
  }

  async #consume(): Promise<Uint8Array> {
    this.bodyTouched()
    if (this.bodyUsed) throw new TypeError('Body is unusable: Body has already been read')
    if (this.#source === null) return new Uint8Array(0)
    if (this.#stream === null && 'bytes' in this.#source) {
      this.#consumed = true
      return this.#source.bytes
    }
    const stream = this.body as ReadableStream<Uint8Array>
    if (stream.locked) throw new TypeError('Body is unusable: Body has already been read')
    this.#consumed = true
    return readAll(stream)
  }
}
