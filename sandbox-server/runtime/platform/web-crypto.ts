/**
 * `crypto` for the isolate: getRandomValues, randomUUID and SubtleCrypto, with every operation
 * answered by the host's Web Crypto through the plain-data calls of `contract.ts`.
 *
 * A CryptoKey here is an empty-looking object; its type, algorithm, usages and key bytes live
 * in a module-private WeakMap and travel to the host with each call, where the key is imported
 * again. This module must never expose a key's bytes through a CryptoKey's own properties, and
 * never let a host error (with a host stack) reach learner code: errors are rebuilt from a name
 * and a message.
 */
import { encodeForHost } from './wire.ts'
import type { KeyFormat, PlainAlgorithm, PlainJwk, PlainKey, PlainValue, PlatformHost, SubtleRequest, SubtleResult } from './contract.ts'

type CryptoHost = Pick<PlatformHost, 'randomBytes' | 'subtle'>

/** The Web Crypto limit for one getRandomValues call. */
export const MAX_RANDOM_BYTES = 65536

let host: CryptoHost | null = null

/** Gives `crypto` its host; called once by the platform's install. */
export function connectCrypto(cryptoHost: CryptoHost): void {
  host = cryptoHost
}

function connectedHost(): CryptoHost {
  if (host === null) throw new Error('crypto is not connected to the host.')
  return host
}

const plainKeys = new WeakMap<CryptoKey, PlainKey>()
// What `key.algorithm` and `key.usages` return: the same objects every time, as in browsers.
const keyViews = new WeakMap<CryptoKey, { algorithm: object; usages: string[] }>()

function plainKeyOf(key: unknown, what: string): PlainKey {
  const plain = plainKeys.get(key as CryptoKey)
  if (!plain) throw new TypeError(`${what} is not of type CryptoKey.`)
  return plain
}

function toKeyView(value: PlainValue): unknown {
  if (value instanceof Uint8Array) return value.slice()
  if (Array.isArray(value)) return value.map(toKeyView)
  if (value && typeof value === 'object') {
    const view: Record<string, unknown> = {}
    for (const [name, inner] of Object.entries(value)) view[name] = toKeyView(inner as PlainValue)
    return view
  }
  return value
}

export class CryptoKey {
  constructor() {
    throw new TypeError('Illegal constructor')
  }
  get type(): PlainKey['type'] {
    return plainKeyOf(this, 'this').type
  }
  get extractable(): boolean {
    return plainKeyOf(this, 'this').extractable
  }
  get algorithm(): object {
    return (keyViews.get(this) as { algorithm: object }).algorithm
  }
  get usages(): string[] {
    return (keyViews.get(this) as { usages: string[] }).usages
  }
  get [Symbol.toStringTag](): string {
    return 'CryptoKey'
  }
}

function wrapKey(plain: PlainKey): CryptoKey {
  const key = Object.create(CryptoKey.prototype) as CryptoKey
  plainKeys.set(key, plain)
  keyViews.set(key, { algorithm: toKeyView(plain.algorithm) as object, usages: [...plain.usages] })
  return key
}

function copyBytes(value: unknown, what: string): Uint8Array {
  if (value instanceof ArrayBuffer) return new Uint8Array(value.slice(0))
  if (ArrayBuffer.isView(value)) return new Uint8Array(value.buffer, value.byteOffset, value.byteLength).slice()
  throw new TypeError(`${what} is not an ArrayBuffer, TypedArray or DataView.`)
}

/** Turns what a learner passed (strings, BufferSources, CryptoKeys, nested objects) into plain data. */
function toPlain(value: unknown): PlainValue {
  if (value instanceof CryptoKey) return plainKeyOf(value, 'key')
  if (value instanceof ArrayBuffer || ArrayBuffer.isView(value)) return copyBytes(value, 'value')
  if (Array.isArray(value)) return value.map(toPlain)
  if (value !== null && typeof value === 'object') {
    const plain: Record<string, PlainValue> = {}
    for (const name of Object.keys(value)) plain[name] = toPlain((value as Record<string, unknown>)[name])
    return plain as PlainAlgorithm
  }
  if (typeof value === 'function' || typeof value === 'symbol' || typeof value === 'bigint') return undefined
  return value as PlainValue
}

function toAlgorithm(algorithm: unknown): PlainAlgorithm {
  if (typeof algorithm === 'string') return { name: algorithm }
  const plain = toPlain(algorithm)
  if (!plain || typeof plain !== 'object' || typeof (plain as PlainAlgorithm).name !== 'string') {
    throw new TypeError('Algorithm: name: Missing or not a string')
  }
  return plain as PlainAlgorithm
}

function toFormat(format: unknown): KeyFormat {
  if (format === 'raw' || format === 'pkcs8' || format === 'spki' || format === 'jwk') return format
  throw new TypeError(`The provided value '${String(format)}' is not a valid enum value of type KeyFormat.`)
}

function toUsages(usages: unknown): string[] {
  if (!Array.isArray(usages)) throw new TypeError('keyUsages is not a sequence.')
  return usages.map(String)
}

function toArrayBuffer(bytes: Uint8Array): ArrayBuffer {
  const whole = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength
  return (whole ? bytes.buffer : bytes.slice().buffer) as ArrayBuffer
}

/** Largest Web Crypto request (data, keys and parameters together) that may cross to the host. */
const MAX_REQUEST_BYTES = 16 * 1024 * 1024

async function call(request: SubtleRequest): Promise<SubtleResult> {
  const outcome = await connectedHost().subtle(encodeForHost(request, MAX_REQUEST_BYTES, 'this Web Crypto call'))
  if (outcome.ok) return outcome.value
  if (outcome.name === 'TypeError') throw new TypeError(outcome.message)
  if (outcome.name === 'RangeError') throw new RangeError(outcome.message)
  throw new DOMException(outcome.message, outcome.name)
}

function wrapResult(value: SubtleResult): CryptoKey | { publicKey: CryptoKey; privateKey: CryptoKey } {
  const pair = value as { publicKey: PlainKey; privateKey: PlainKey }
  if (pair.publicKey && pair.privateKey) return { publicKey: wrapKey(pair.publicKey), privateKey: wrapKey(pair.privateKey) }
  return wrapKey(value as PlainKey)
}

export class SubtleCrypto {
  constructor() {
    throw new TypeError('Illegal constructor')
  }

  async digest(algorithm: unknown, data: unknown): Promise<ArrayBuffer> {
    const bytes = copyBytes(data, 'data')
    return toArrayBuffer((await call({ op: 'digest', algorithm: toAlgorithm(algorithm), data: bytes })) as Uint8Array)
  }

  async importKey(format: unknown, keyData: unknown, algorithm: unknown, extractable: unknown, usages: unknown): Promise<CryptoKey> {
    const keyFormat = toFormat(format)
    const data = keyFormat === 'jwk' ? (toPlain(keyData) as PlainJwk) : copyBytes(keyData, 'keyData')
    const request = {
      op: 'importKey' as const,
      format: keyFormat,
      keyData: data,
      algorithm: toAlgorithm(algorithm),
      extractable: Boolean(extractable),
      usages: toUsages(usages),
    }
    return wrapKey((await call(request)) as PlainKey)
  }

  async exportKey(format: unknown, key: unknown): Promise<ArrayBuffer | JsonWebKey> {
    const keyFormat = toFormat(format)
    const plain = plainKeyOf(key, 'key')
    if (!plain.extractable) throw new DOMException('key is not extractable', 'InvalidAccessError')
    const result = await call({ op: 'exportKey', format: keyFormat, key: plain })
    return result instanceof Uint8Array ? toArrayBuffer(result) : (result as JsonWebKey)
  }

  async sign(algorithm: unknown, key: unknown, data: unknown): Promise<ArrayBuffer> {
    const request = { op: 'sign' as const, algorithm: toAlgorithm(algorithm), key: plainKeyOf(key, 'key'), data: copyBytes(data, 'data') }
    return toArrayBuffer((await call(request)) as Uint8Array)
  }

  async verify(algorithm: unknown, key: unknown, signature: unknown, data: unknown): Promise<boolean> {
    const request = {
      op: 'verify' as const,
      algorithm: toAlgorithm(algorithm),
      key: plainKeyOf(key, 'key'),
      signature: copyBytes(signature, 'signature'),
      data: copyBytes(data, 'data'),
    }
    return (await call(request)) as boolean
  }

  async encrypt(algorithm: unknown, key: unknown, data: unknown): Promise<ArrayBuffer> {
    const request = { op: 'encrypt' as const, algorithm: toAlgorithm(algorithm), key: plainKeyOf(key, 'key'), data: copyBytes(data, 'data') }
    return toArrayBuffer((await call(request)) as Uint8Array)
  }

  async decrypt(algorithm: unknown, key: unknown, data: unknown): Promise<ArrayBuffer> {
    const request = { op: 'decrypt' as const, algorithm: toAlgorithm(algorithm), key: plainKeyOf(key, 'key'), data: copyBytes(data, 'data') }
    return toArrayBuffer((await call(request)) as Uint8Array)
  }

  async generateKey(algorithm: unknown, extractable: unknown, usages: unknown) {
    const request = { op: 'generateKey' as const, algorithm: toAlgorithm(algorithm), extractable: Boolean(extractable), usages: toUsages(usages) }
    return wrapResult(await call(request))
  }

  async deriveBits(algorithm: unknown, baseKey: unknown, length: unknown = null): Promise<ArrayBuffer> {
    const request = {
      op: 'deriveBits' as const,
      algorithm: toAlgorithm(algorithm),
      baseKey: plainKeyOf(baseKey, 'baseKey'),
      length: length === null ? null : Number(length),
    }
    return toArrayBuffer((await call(request)) as Uint8Array)
  }

  async deriveKey(algorithm: unknown, baseKey: unknown, derivedKeyType: unknown, extractable: unknown, usages: unknown) {
    const request = {
      op: 'deriveKey' as const,
      algorithm: toAlgorithm(algorithm),
      baseKey: plainKeyOf(baseKey, 'baseKey'),
      derivedKeyType: toAlgorithm(derivedKeyType),
      extractable: Boolean(extractable),
      usages: toUsages(usages),
    }
    return wrapKey((await call(request)) as PlainKey)
  }

  async wrapKey(format: unknown, key: unknown, wrappingKey: unknown, wrapAlgorithm: unknown): Promise<ArrayBuffer> {
    const plain = plainKeyOf(key, 'key')
    if (!plain.extractable) throw new DOMException('key is not extractable', 'InvalidAccessError')
    const request = {
      op: 'wrapKey' as const,
      format: toFormat(format),
      key: plain,
      wrappingKey: plainKeyOf(wrappingKey, 'wrappingKey'),
      wrapAlgorithm: toAlgorithm(wrapAlgorithm),
    }
    return toArrayBuffer((await call(request)) as Uint8Array)
  }

  async unwrapKey(
    format: unknown,
    wrappedKey: unknown,
    unwrappingKey: unknown,
    unwrapAlgorithm: unknown,
    unwrappedKeyAlgorithm: unknown,
    extractable: unknown,
    usages: unknown,
  ): Promise<CryptoKey> {
    const request = {
      op: 'unwrapKey' as const,
      format: toFormat(format),
      wrappedKey: copyBytes(wrappedKey, 'wrappedKey'),
      unwrappingKey: plainKeyOf(unwrappingKey, 'unwrappingKey'),
      unwrapAlgorithm: toAlgorithm(unwrapAlgorithm),
      unwrappedKeyAlgorithm: toAlgorithm(unwrappedKeyAlgorithm),
      extractable: Boolean(extractable),
      usages: toUsages(usages),
    }
    return wrapKey((await call(request)) as PlainKey)
  }

  get [Symbol.toStringTag](): string {
    return 'SubtleCrypto'
  }
}

const INTEGER_ARRAYS = [Int8Array, Uint8Array, Uint8ClampedArray, Int16Array, Uint16Array, Int32Array, Uint32Array, BigInt64Array, BigUint64Array]

const subtle = Object.create(SubtleCrypto.prototype) as SubtleCrypto

export class Crypto {
  constructor() {
    throw new TypeError('Illegal constructor')
  }

  get subtle(): SubtleCrypto {
    return subtle
  }

  getRandomValues<T extends ArrayBufferView | null>(array: T): T {
    if (!INTEGER_ARRAYS.some((kind) => array instanceof kind)) {
      throw new DOMException('The data argument must be an integer-type TypedArray', 'TypeMismatchError')
    }
    const view = array as unknown as ArrayBufferView
    if (view.byteLength > MAX_RANDOM_BYTES) {
      throw new DOMException(
        `The ArrayBufferView's byte length (${view.byteLength}) exceeds the number of bytes of entropy available via this API (${MAX_RANDOM_BYTES})`,
        'QuotaExceededError',
      )
    }
    if (view.byteLength > 0) {
      const random = connectedHost().randomBytes(view.byteLength)
      new Uint8Array(view.buffer, view.byteOffset, view.byteLength).set(random.subarray(0, view.byteLength))
    }
    return array
  }

  randomUUID(): string {
    const bytes = connectedHost().randomBytes(16)
    // RFC 9562 version 4: the version nibble is 4, the variant bits are 10.
    bytes[6] = (bytes[6] & 0x0f) | 0x40
    bytes[8] = (bytes[8] & 0x3f) | 0x80
    const hex = Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('')
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
  }

  get [Symbol.toStringTag](): string {
    return 'Crypto'
  }
}

/** The one `crypto` object of the isolate. */
export const crypto = Object.create(Crypto.prototype) as Crypto
