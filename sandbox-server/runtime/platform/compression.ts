/**
 * CompressionStream and DecompressionStream for the isolate, as the Compression Streams
 * standard describes them: a TransformStream of BufferSource chunks in, Uint8Array chunks out,
 * in the formats 'gzip' (RFC 1952), 'deflate' (zlib, RFC 1950) and 'deflate-raw' (RFC 1951).
 * An unknown format or a chunk that is not a BufferSource is a TypeError; so is corrupt or
 * truncated input to a DecompressionStream.
 *
 * Why fflate and not the host's zlib: it is pure JavaScript, so the work runs inside the
 * isolate and is charged to the learner's CPU budget; a host call would escape it. Only its
 * streaming classes are imported (the bundle keeps those and their tables), and only on the
 * first stream (compression-codecs.ts). Its output bytes
 * differ from Node's zlib (both are valid; `hono/compress` answers decompress to the same body).
 * Known gaps: the gzip trailer (CRC-32 and length) is not verified when decompressing, and data
 * after the end of a compressed stream is ignored rather than refused.
 */
import { TransformStream } from 'web-streams-polyfill'
import type { Codec, Format } from './compression-codecs.ts'

let codecs: typeof import('./compression-codecs.ts') | undefined
/** fflate, evaluated on first use (see compression-codecs.ts). */
function loadCodecs(): typeof import('./compression-codecs.ts') {
  codecs ??= require('./compression-codecs.ts') as typeof import('./compression-codecs.ts')
  return codecs
}

function formatOf(format: unknown, kind: string): Format {
  const name = String(format)
  if (name === 'gzip' || name === 'deflate' || name === 'deflate-raw') return name
  throw new TypeError(`Failed to construct '${kind}': Unsupported compression format: '${name}'`)
}

function bytesOf(chunk: unknown): Uint8Array {
  if (chunk instanceof Uint8Array) return chunk
  if (ArrayBuffer.isView(chunk)) return new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength)
  if (chunk instanceof ArrayBuffer || (typeof SharedArrayBuffer === 'function' && chunk instanceof SharedArrayBuffer)) {
    return new Uint8Array(chunk)
  }
  throw new TypeError('The provided value is not of type (ArrayBuffer or ArrayBufferView)')
}

/** A TransformStream that feeds each chunk to `codec` and enqueues what it gives back. */
function codecTransform(codec: Codec, decompressing: boolean): TransformStream<BufferSource, Uint8Array> {
  let output: Uint8Array[] = []
  let ended = false
  codec.ondata = (data, final) => {
    if (data.length > 0) output.push(data)
    if (final) ended = true
  }
  const run = (controller: TransformStreamDefaultController<Uint8Array>, chunk: Uint8Array, final: boolean) => {
    try {
      codec.push(chunk, final)
    } catch (error) {
      if (!decompressing) throw error
      throw new TypeError(`The compressed data is not valid: ${error instanceof Error ? error.message : String(error)}`)
    }
    const ready = output
    output = []
    for (const data of ready) controller.enqueue(data)
  }
  return new TransformStream<BufferSource, Uint8Array>({
    transform(chunk, controller) {
      const bytes = bytesOf(chunk)
      if (bytes.length > 0 && !ended) run(controller, bytes, false)
    },
    flush(controller) {
      if (!ended) run(controller, new Uint8Array(0), true)
      if (decompressing && !ended) throw new TypeError('The compressed data ended before its end of stream.')
    },
  })
}

export class CompressionStream {
  readonly #transform: TransformStream<BufferSource, Uint8Array>

  constructor(format: string) {
    if (arguments.length === 0) throw new TypeError("Failed to construct 'CompressionStream': 1 argument required, but only 0 present.")
    this.#transform = codecTransform(loadCodecs().COMPRESSORS[formatOf(format, 'CompressionStream')](), false)
  }

  get readable() {
    return this.#transform.readable
  }
  get writable() {
    return this.#transform.writable
  }
  get [Symbol.toStringTag](): string {
    return 'CompressionStream'
  }
}

export class DecompressionStream {
  readonly #transform: TransformStream<BufferSource, Uint8Array>

  constructor(format: string) {
    if (arguments.length === 0) throw new TypeError("Failed to construct 'DecompressionStream': 1 argument required, but only 0 present.")
    this.#transform = codecTransform(loadCodecs().DECOMPRESSORS[formatOf(format, 'DecompressionStream')](), true)
  }

  get readable() {
    return this.#transform.readable
  }
  get writable() {
    return this.#transform.writable
  }
  get [Symbol.toStringTag](): string {
    return 'DecompressionStream'
  }
}
