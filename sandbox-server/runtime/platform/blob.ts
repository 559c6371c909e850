/**
 * Blob and File for the isolate, as the File API describes them, held in memory as one byte
 * array (a sandboxed app has no disk): size, type, slice, text, arrayBuffer, bytes, stream.
 *
 * Why our own: formdata-node's package exports send any build with the `browser` condition
 * (the prelude build sets it) to an entry that only re-exports the global Blob, which the
 * isolate does not have. This module must never let a Blob's bytes change after construction:
 * the constructor copies what it is given and readers get copies.
 */
import { ReadableStream } from 'web-streams-polyfill'
import { TextDecoder, TextEncoder } from './text-encoding.ts'

export type BlobPart = ArrayBuffer | ArrayBufferView | Blob | string

export interface BlobPropertyBag {
  type?: string
  endings?: 'transparent' | 'native'
}

export interface FilePropertyBag extends BlobPropertyBag {
  lastModified?: number
}

const encoder = new TextEncoder()

/** The standard's type rule: printable ASCII only, lower-cased; anything else means no type. */
function normalizeType(type: unknown): string {
  const text = type === undefined ? '' : String(type)
  return /^[\x20-\x7e]*$/.test(text) ? text.toLowerCase() : ''
}

/** The bytes of a Blob, for Body and FormData: read-only by contract. */
export let bytesOfBlob: (blob: Blob) => Uint8Array

export class Blob {
  readonly #bytes: Uint8Array
  readonly #type: string

  static {
    bytesOfBlob = (blob) => blob.#bytes
  }

  constructor(blobParts: Iterable<BlobPart> = [], options: BlobPropertyBag = {}) {
    if (typeof blobParts !== 'object' || blobParts === null || !(Symbol.iterator in blobParts)) {
      throw new TypeError("Failed to construct 'Blob': The provided value cannot be converted to a sequence.")
    }
    const chunks: Uint8Array[] = []
    for (const part of blobParts) {
      if (part instanceof Blob) chunks.push(part.#bytes)
      else if (part instanceof ArrayBuffer) chunks.push(new Uint8Array(part))
      else if (ArrayBuffer.isView(part)) chunks.push(new Uint8Array(part.buffer, part.byteOffset, part.byteLength))
      else chunks.push(encoder.encode(String(part)))
    }
    const bytes = new Uint8Array(chunks.reduce((total, chunk) => total + chunk.byteLength, 0))
    let at = 0
    for (const chunk of chunks) {
      bytes.set(chunk, at)
      at += chunk.byteLength
    }
    this.#bytes = bytes
    this.#type = normalizeType(options?.type)
  }

  get size(): number {
    return this.#bytes.byteLength
  }

  get type(): string {
    return this.#type
  }

  slice(start?: number, end?: number, contentType?: string): Blob {
    const size = this.size
    const from = relativeIndex(start, 0, size)
    const to = relativeIndex(end, size, size)
    return new Blob([this.#bytes.subarray(from, Math.max(from, to))], { type: contentType })
  }

  async text(): Promise<string> {
    return new TextDecoder().decode(this.#bytes)
  }

  async arrayBuffer(): Promise<ArrayBuffer> {
    return this.#bytes.slice().buffer as ArrayBuffer
  }

  async bytes(): Promise<Uint8Array> {
    return this.#bytes.slice()
  }

  stream(): ReadableStream<Uint8Array> {
    const bytes = this.#bytes
    return new ReadableStream({
      type: 'bytes',
      pull(controller) {
        if (bytes.byteLength > 0) controller.enqueue(bytes.slice())
        controller.close()
      },
    })
  }

  get [Symbol.toStringTag](): string {
    return 'Blob'
  }
}

function relativeIndex(value: number | undefined, fallback: number, size: number): number {
  if (value === undefined) return fallback
  const index = Math.trunc(Number(value)) || 0
  return index < 0 ? Math.max(size + index, 0) : Math.min(index, size)
}

export class File extends Blob {
  readonly #name: string
  readonly #lastModified: number

  constructor(fileBits: Iterable<BlobPart>, fileName: string, options: FilePropertyBag = {}) {
    if (arguments.length < 2) {
      throw new TypeError(`Failed to construct 'File': 2 arguments required, but only ${arguments.length} present.`)
    }
    super(fileBits, options)
    this.#name = String(fileName)
    this.#lastModified = options?.lastModified === undefined ? Date.now() : Math.trunc(Number(options.lastModified)) || 0
  }

  get name(): string {
    return this.#name
  }

  get lastModified(): number {
    return this.#lastModified
  }

  get webkitRelativePath(): string {
    return ''
  }

  get [Symbol.toStringTag](): string {
    return 'File'
  }
}
