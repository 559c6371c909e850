/**
 * Web Crypto for the isolate, answered on the host with Node's `webcrypto.subtle`.
 *
 * A key travels as plain data (`PlainKey`): its algorithm, usages and bytes (raw, pkcs8 or
 * spki). Each call imports it again, does the one operation and returns plain data, so no host
 * CryptoKey outlives a call. Keys are imported here as extractable so their bytes can go back;
 * whether the learner may export them is the isolate's `extractable` flag, checked there.
 * This module must never throw: every failure becomes `{ ok: false, name, message }`.
 */
import { webcrypto } from 'node:crypto'
import type { KeyFormat, PlainAlgorithm, PlainJwk, PlainKey, PlainValue, SubtleOutcome, SubtleRequest, SubtleResult } from './contract.ts'

type NativeKey = webcrypto.CryptoKey
type NativeAlgorithm = Record<string, unknown> & { name: string }

/** Caps on the operations whose cost a learner chooses. */
export interface SubtleLimits {
  /** PBKDF2 iterations allowed in deriveBits/deriveKey. Default 100,000 (~35 ms of a thread here). */
  maxPbkdf2Iterations: number
  /** RSA modulus length allowed in generateKey. Default 4096. */
  maxRsaModulusLength: number
}

const { subtle } = webcrypto
// Web Crypto refuses to make these extractable; their raw bytes are kept as given instead.
const KEY_DERIVATION = new Set(['PBKDF2', 'HKDF'])
const KEY_FORMATS = new Set(['raw', 'pkcs8', 'spki', 'jwk'])
const MAX_DERIVED_BITS = 65536

class SandboxLimit extends Error {
  override name = 'OperationError'
}

/** Runs one request from the isolate and answers with plain data or the error's name and message. */
export async function runSubtleRequest(request: SubtleRequest, limits: SubtleLimits): Promise<SubtleOutcome> {
  try {
    if (!isObject(request)) throw new TypeError('A crypto request must be an object.')
    return { ok: true, value: await perform(request, limits) }
  } catch (error) {
    return describeError(error)
  }
}

async function perform(request: SubtleRequest, limits: SubtleLimits): Promise<SubtleResult> {
  switch (request.op) {
    case 'digest':
      return bytesOf(await subtle.digest(await nativeAlgorithm(request.algorithm), bytes(request.data)))
    case 'importKey':
      return importPlainKey(request)
    case 'exportKey': {
      const exported = (await subtle.exportKey(format(request.format) as never, await reviveKey(request.key))) as ArrayBuffer | webcrypto.JsonWebKey
      return exported instanceof ArrayBuffer ? bytesOf(exported) : (plainCopy(exported) as PlainJwk)
    }
    case 'sign':
    case 'encrypt':
    case 'decrypt': {
      const algorithm = await nativeAlgorithm(request.algorithm)
      const key = await reviveKey(request.key)
      return bytesOf(await subtle[request.op](algorithm, key, bytes(request.data)))
    }
    case 'verify':
      return subtle.verify(await nativeAlgorithm(request.algorithm), await reviveKey(request.key), bytes(request.signature), bytes(request.data))
    case 'generateKey': {
      const algorithm = await nativeAlgorithm(request.algorithm)
      const modulus = Number(algorithm.modulusLength)
      if (Number.isFinite(modulus) && modulus > limits.maxRsaModulusLength) {
        throw new SandboxLimit(`RSA keys longer than ${limits.maxRsaModulusLength} bits are not allowed in the sandbox.`)
      }
      const generated = await subtle.generateKey(algorithm as never, true, usages(request.usages))
      const extractable = Boolean(request.extractable)
      if ('publicKey' in generated) {
        // The standard makes a pair's public key extractable whatever was asked.
        return { publicKey: await describeKey(generated.publicKey, true), privateKey: await describeKey(generated.privateKey, extractable) }
      }
      return describeKey(generated, extractable)
    }
    case 'deriveBits': {
      const algorithm = await derivationAlgorithm(request.algorithm, limits)
      const length = request.length === null ? null : Number(request.length)
      if (length !== null && !(length >= 0 && length <= MAX_DERIVED_BITS)) {
        throw new SandboxLimit(`deriveBits length must be from 0 to ${MAX_DERIVED_BITS} bits in the sandbox.`)
      }
      return bytesOf(await subtle.deriveBits(algorithm as never, await reviveKey(request.baseKey), length as number))
    }
    case 'deriveKey': {
      const derivedKeyType = await nativeAlgorithm(request.derivedKeyType)
      if (KEY_DERIVATION.has(derivedKeyType.name.toUpperCase())) {
        throw new DOMException('Deriving a PBKDF2 or HKDF key is not supported in the sandbox.', 'NotSupportedError')
      }
      const algorithm = await derivationAlgorithm(request.algorithm, limits)
      const key = await subtle.deriveKey(algorithm as never, await reviveKey(request.baseKey), derivedKeyType as never, true, usages(request.usages))
      return describeKey(key, Boolean(request.extractable))
    }
    case 'wrapKey': {
      const wrapped = await subtle.wrapKey(
        format(request.format),
        await reviveKey(request.key),
        await reviveKey(request.wrappingKey),
        (await nativeAlgorithm(request.wrapAlgorithm)) as never,
      )
      return bytesOf(wrapped)
    }
    case 'unwrapKey': {
      const key = await subtle.unwrapKey(
        format(request.format),
        bytes(request.wrappedKey),
        await reviveKey(request.unwrappingKey),
        (await nativeAlgorithm(request.unwrapAlgorithm)) as never,
        (await nativeAlgorithm(request.unwrappedKeyAlgorithm)) as never,
        true,
        usages(request.usages),
      )
      return describeKey(key, Boolean(request.extractable))
    }
    default:
      throw new DOMException(`Unknown crypto operation.`, 'NotSupportedError')
  }
}

async function importPlainKey(request: Extract<SubtleRequest, { op: 'importKey' }>): Promise<PlainKey> {
  const keyFormat = format(request.format)
  const algorithm = await nativeAlgorithm(request.algorithm)
  const extractable = Boolean(request.extractable)
  const keyUsages = usages(request.usages)
  if (KEY_DERIVATION.has(algorithm.name.toUpperCase())) {
    const raw = bytes(request.keyData)
    const key = await subtle.importKey(keyFormat as 'raw', raw, algorithm, false, keyUsages)
    return { ...(await describeKey(key, false, raw)), extractable }
  }
  let keyData: Uint8Array | PlainJwk
  if (keyFormat === 'jwk') {
    if (!isObject(request.keyData) || request.keyData instanceof Uint8Array) throw new TypeError('keyData must be a JsonWebKey.')
    keyData = { ...(request.keyData as PlainJwk) }
    // Imported extractable here so its bytes can go back; `ext: false` only matters to the learner's flag.
    if (!extractable) delete keyData.ext
  } else {
    keyData = bytes(request.keyData)
  }
  const key = await subtle.importKey(keyFormat as never, keyData as never, algorithm, true, keyUsages)
  return describeKey(key, extractable)
}

/** A host key as plain data: the isolate keeps this and sends it back with each use. */
async function describeKey(key: NativeKey, extractable: boolean, rawKeyDerivationBytes?: Uint8Array): Promise<PlainKey> {
  const keyFormat: KeyFormat = key.type === 'secret' ? 'raw' : key.type === 'private' ? 'pkcs8' : 'spki'
  const keyData = rawKeyDerivationBytes ? rawKeyDerivationBytes.slice() : bytesOf((await subtle.exportKey(keyFormat, key)) as ArrayBuffer)
  return {
    type: key.type,
    extractable,
    algorithm: plainCopy(key.algorithm) as PlainAlgorithm,
    usages: [...key.usages],
    format: keyFormat,
    keyData,
  }
}

async function reviveKey(plain: PlainKey): Promise<NativeKey> {
  if (!isObject(plain) || !(plain.keyData instanceof Uint8Array) || !KEY_FORMATS.has(plain.format) || plain.format === 'jwk') {
    throw new TypeError('Expected a CryptoKey.')
  }
  const algorithm = await nativeAlgorithm(plain.algorithm)
  const derivation = KEY_DERIVATION.has(algorithm.name.toUpperCase())
  return subtle.importKey(plain.format as 'raw', plain.keyData, algorithm, !derivation, usages(plain.usages))
}

/** An algorithm for Node: plain copies of its fields, with a `public` key (ECDH, X25519) revived. */
async function nativeAlgorithm(plain: PlainAlgorithm): Promise<NativeAlgorithm> {
  if (typeof plain === 'string') return { name: plain }
  if (!isObject(plain) || typeof plain.name !== 'string') throw new TypeError('Algorithm: name: Missing or not a string')
  const algorithm: NativeAlgorithm = { name: plain.name }
  for (const [field, value] of Object.entries(plain)) {
    if (field === 'public' && isObject(value) && 'keyData' in value) algorithm.public = await reviveKey(value as unknown as PlainKey)
    else if (field !== 'name') algorithm[field] = plainCopy(value)
  }
  return algorithm
}

async function derivationAlgorithm(plain: PlainAlgorithm, limits: SubtleLimits): Promise<NativeAlgorithm> {
  const algorithm = await nativeAlgorithm(plain)
  if (algorithm.name.toUpperCase() === 'PBKDF2' && Number(algorithm.iterations) > limits.maxPbkdf2Iterations) {
    throw new SandboxLimit(`PBKDF2 with more than ${limits.maxPbkdf2Iterations} iterations is not allowed in the sandbox.`)
  }
  return algorithm
}

/** A deep copy with only plain data: Buffers become exact Uint8Arrays, functions and classes are dropped. */
function plainCopy(value: unknown): PlainValue {
  if (value instanceof ArrayBuffer) return new Uint8Array(value.slice(0))
  if (ArrayBuffer.isView(value)) return new Uint8Array(value.buffer.slice(value.byteOffset, value.byteOffset + value.byteLength))
  if (Array.isArray(value)) return value.map(plainCopy)
  if (isObject(value)) {
    const copy: Record<string, PlainValue> = {}
    for (const [field, inner] of Object.entries(value)) copy[field] = plainCopy(inner)
    return copy as PlainAlgorithm
  }
  if (['string', 'number', 'boolean'].includes(typeof value) || value === null) return value as PlainValue
  return undefined
}

function bytesOf(buffer: ArrayBuffer): Uint8Array {
  return new Uint8Array(buffer)
}

function bytes(value: unknown): Uint8Array {
  if (value instanceof Uint8Array) return value
  throw new TypeError('Expected bytes (an ArrayBuffer, TypedArray or DataView).')
}

function format(value: unknown): KeyFormat {
  if (typeof value === 'string' && KEY_FORMATS.has(value)) return value as KeyFormat
  throw new TypeError(`The provided value '${String(value)}' is not a valid enum value of type KeyFormat.`)
}

function usages(value: unknown): webcrypto.KeyUsage[] {
  if (!Array.isArray(value) || value.some((usage) => typeof usage !== 'string')) throw new TypeError('keyUsages must be a list of strings.')
  return value as webcrypto.KeyUsage[]
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null
}

function describeError(error: unknown): SubtleOutcome {
  // DOMExceptions (NotSupportedError, DataError, InvalidAccessError...) keep their names; the
  // isolate rebuilds TypeError and RangeError as such and every other name as a DOMException.
  if (error instanceof DOMException || error instanceof SandboxLimit) return { ok: false, name: error.name, message: error.message }
  if (error instanceof TypeError) return { ok: false, name: 'TypeError', message: error.message }
  if (error instanceof RangeError) return { ok: false, name: 'RangeError', message: error.message }
  return { ok: false, name: 'OperationError', message: 'The operation failed for an operation-specific reason' }
}
