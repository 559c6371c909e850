/**
 * The wire between the isolate and the host: how a value learner code hands to the host
 * crosses. isolated-vm's own copy repeats a string for every place it appears (a 10 MB string
 * referenced 450 times became 4.5 GB on the host and ended the process), and a value that
 * nests the same array twice per level is tiny in the isolate but exponential to walk on the
 * host. So a learner value never crosses as an object graph: inside the isolate it is measured
 * as it is written out (every occurrence counted, toJSON and getters included) and turned into
 * one JSON text plus a list of byte arrays; the host parses that text, whose tree can be no larger than the text itself.
 *
 * `encodeForHost` runs in the isolate and uses only built-ins captured when this module is
 * evaluated (before learner code runs); `decodeFromIsolate` runs on the host.
 */

/** What crosses: JSON text, with byte arrays and bigints as tagged objects pointing into `bytes`. */
export interface WireMessage {
  text: string
  bytes: Uint8Array[]
}

const TAG = '\u0000sandbox'
/** How the tag appears in JSON text (stringify escapes the NUL). */
const TAG_IN_JSON = '\\u0000sandbox'
/** No call needs more values than this; counting stops here, so a huge graph costs little to refuse. */
const MAX_VALUES = 100_000
const { stringify, parse } = JSON
const { getPrototypeOf, getOwnPropertyDescriptor } = Object
const { apply } = Reflect
const { isView } = ArrayBuffer
const { isArray } = Array
const StringOf = String
const BigIntOf = BigInt
const NativeUint8Array = Uint8Array
const typedArrayPrototype = getPrototypeOf(Uint8Array.prototype) as object
const viewBuffer = getOwnPropertyDescriptor(typedArrayPrototype, 'buffer')?.get as (this: unknown) => ArrayBuffer
const viewOffset = getOwnPropertyDescriptor(typedArrayPrototype, 'byteOffset')?.get as (this: unknown) => number
const viewLength = getOwnPropertyDescriptor(typedArrayPrototype, 'byteLength')?.get as (this: unknown) => number
const dataViewBuffer = getOwnPropertyDescriptor(DataView.prototype, 'buffer')?.get as (this: unknown) => ArrayBuffer
const dataViewOffset = getOwnPropertyDescriptor(DataView.prototype, 'byteOffset')?.get as (this: unknown) => number
const dataViewLength = getOwnPropertyDescriptor(DataView.prototype, 'byteLength')?.get as (this: unknown) => number
const bufferLength = getOwnPropertyDescriptor(ArrayBuffer.prototype, 'byteLength')?.get as (this: unknown) => number
const typedArraySet = (typedArrayPrototype as { set: (source: ArrayLike<number>, offset?: number) => void }).set
const objectToString = Object.prototype.toString

/** The bytes of an ArrayBuffer or a view, copied; undefined for anything else. */
function bytesOf(value: object): Uint8Array | undefined {
  let buffer: ArrayBuffer
  let offset = 0
  let length: number
  if (isView(value)) {
    const isDataView = apply(objectToString, value, []) === '[object DataView]'
    buffer = apply(isDataView ? dataViewBuffer : viewBuffer, value, [])
    offset = apply(isDataView ? dataViewOffset : viewOffset, value, [])
    length = apply(isDataView ? dataViewLength : viewLength, value, [])
  } else {
    try {
      length = apply(bufferLength, value, [])
    } catch {
      return undefined // not an ArrayBuffer
    }
    buffer = value as ArrayBuffer
  }
  const copy = new NativeUint8Array(length)
  apply(typedArraySet, copy, [new NativeUint8Array(buffer, offset, length)])
  return copy
}

/** The byte length of an ArrayBuffer or a view; undefined for anything else. */
function byteSize(value: object): number | undefined {
  if (isView(value)) return apply(apply(objectToString, value, []) === '[object DataView]' ? dataViewLength : viewLength, value, [])
  try {
    return apply(bufferLength, value, [])
  } catch {
    return undefined
  }
}

/**
 * Inside the isolate: `value` as one JSON text and its byte arrays, or a RangeError when it is
 * larger than `maxBytes` or holds something that is not plain data (a Map, a Set, a function
 * is dropped as JSON drops it).
 *
 * @example
 * const message = encodeForHost([sql, params], 2 * 1024 * 1024, 'the SQL parameters')
 */
export function encodeForHost(value: unknown, maxBytes: number, what: string): WireMessage {
  // Counted as JSON.stringify walks it, after toJSON and getters ran: exactly what is written,
  // every occurrence of a shared value included, and given up on at the first limit.
  let total = 0
  let values = 0
  const tooLarge = () => new RangeError(`${what} is larger than ${Math.round(maxBytes / 1024)} KB: pass less data`)
  const bytes: Uint8Array[] = []
  const text = stringify(value, function replacer(key: string, inner: unknown) {
    if (++values > MAX_VALUES) throw new RangeError(`${what} holds more than ${MAX_VALUES} values: pass less data`)
    total += key.length + 2
    let written: unknown = inner
    if (typeof inner === 'string') total += inner.length
    else if (typeof inner === 'bigint') written = { [TAG]: 'bigint', value: StringOf(inner) }
    else if (typeof inner === 'object' && inner !== null && !isArray(inner)) {
      const tag = apply(objectToString, inner, [])
      if (tag === '[object Map]' || tag === '[object Set]') {
        throw new TypeError(`${what} holds a ${tag.slice(8, -1)}: pass plain data (objects, arrays, strings, numbers), e.g. Object.fromEntries(map)`)
      }
      const size = byteSize(inner)
      if (size !== undefined) {
        total += size
        if (total > maxBytes) throw tooLarge()
        bytes[bytes.length] = bytesOf(inner)!
        written = { [TAG]: 'bytes', index: bytes.length - 1 }
      }
    }
    total += 8
    if (total > maxBytes) throw tooLarge()
    return written
  }) as string | undefined
  if (text !== undefined && text.length > maxBytes) throw tooLarge()
  return { text: text ?? 'null', bytes }
}

/**
 * On the host: the value a WireMessage carries, or a TypeError when it is malformed (learner
 * code may hand anything to the function that sends it). Byte arrays come back as Uint8Arrays.
 */
export function decodeFromIsolate(message: unknown, maxBytes: number): unknown {
  const { text, bytes } = (message ?? {}) as Partial<WireMessage>
  if (typeof text !== 'string' || text.length > maxBytes || !isArray(bytes)) throw new TypeError('malformed call from the isolate')
  // Most calls carry no bytes or bigints: parse them without a reviver, which costs a call per value.
  if (bytes.length === 0 && !text.includes(TAG_IN_JSON)) return parse(text)
  return parse(text, (_key, value: unknown) => {
    if (typeof value !== 'object' || value === null || !(TAG in value)) return value
    const tagged = value as Record<string, unknown>
    if (tagged[TAG] === 'bytes' && typeof tagged.index === 'number' && bytes[tagged.index] instanceof Uint8Array) return bytes[tagged.index]
    if (tagged[TAG] === 'bigint' && typeof tagged.value === 'string' && /^-?\d{1,40}$/.test(tagged.value)) return BigIntOf(tagged.value)
    throw new TypeError('malformed call from the isolate')
  })
}
