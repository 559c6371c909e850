/**
 * A session's cryptography, on libsodium (the sumo build: the standard libsodium-wrappers
 * has no crypto_pwhash). Password hashing is real argon2id; encryption is secretbox with a key
 * that belongs to the session and never leaves the host; tokens are random bytes; HMAC-SHA256
 * signs bearer tokens.
 *
 * argon2id runs in worker threads (./passwords.ts) with one cost fixed by the host (m=1 MiB,
 * t=2, a few ms a hash) rather than OWASP's production minimum (19 MiB, 60-77 ms): the hash
 * string is still a standard `$argon2id$` string. Its time is charged to the learner's budget.
 */
import sodium from 'libsodium-wrappers-sumo'
import { LearnerFacingError } from '../../runtime/errors.ts'
import { createPasswordPool, type PasswordPool } from './passwords.ts'

const MAX_TOKEN_BYTES = 1024

export class CryptoError extends LearnerFacingError {
  override name = 'CryptoError'
}

export interface SessionCrypto {
  /** argon2id hash in the standard `$argon2id$v=19$...` form, salted. */
  hashPassword(password: string): Promise<string>
  /** False for a wrong password or a malformed hash; refuses a hash that asks for more than the course's cost. */
  verifyPassword(hash: string, password: string): Promise<boolean>
  /** secretbox with the session key: returns base64url(nonce + ciphertext). */
  encrypt(plaintext: string): string
  /** Throws CryptoError when the ciphertext was changed or made with another key. */
  decrypt(ciphertext: string): string
  /** `bytes` random bytes (default 32), base64url. */
  randomToken(bytes?: number): string
  /** HMAC-SHA256 of `message` with the session key, base64url. */
  sign(message: string): string
  /** Constant-time check of a `sign` result. */
  verify(message: string, signature: string): boolean
  /** How many times verifyPassword was called: for checks that every login costs a hash. */
  passwordChecks(): number
}

let passwords: PasswordPool | undefined
let ready: Promise<void> | undefined
/** libsodium is WebAssembly that loads once per process; await this before createCrypto. */
export function loadCrypto(): Promise<void> {
  ready ??= sodium.ready
  return ready
}

/** sodium.base64_variants.URLSAFE_NO_PADDING, readable before sodium.ready resolves. */
const URLSAFE_NO_PADDING = 7

function fromBase64(text: string, what: string): Uint8Array {
  try {
    return sodium.from_base64(String(text), URLSAFE_NO_PADDING)
  } catch {
    throw new CryptoError(`${what} is not valid base64url text`)
  }
}

/**
 * @example
 * await loadCrypto()
 * const crypto = createCrypto()
 * crypto.decrypt(crypto.encrypt('secret note')) // 'secret note'
 */
/**
 * A session's secret keys as one value to keep: the encryption key, then the signing key.
 * Call after loadCrypto().
 */
export function newSessionKeys(): Uint8Array {
  const secretKey = sodium.crypto_secretbox_keygen()
  const macKey = sodium.crypto_auth_hmacsha256_keygen()
  const keys = new Uint8Array(secretKey.length + macKey.length)
  keys.set(secretKey)
  keys.set(macKey, secretKey.length)
  return keys
}

export function createCrypto(keys: Uint8Array = newSessionKeys()): SessionCrypto {
  const secretKey = keys.slice(0, sodium.crypto_secretbox_KEYBYTES)
  const macKey = keys.slice(sodium.crypto_secretbox_KEYBYTES, sodium.crypto_secretbox_KEYBYTES + sodium.crypto_auth_hmacsha256_KEYBYTES)
  if (macKey.length !== sodium.crypto_auth_hmacsha256_KEYBYTES) throw new RangeError('createCrypto: the keys are too short')
  let passwordChecks = 0
  return {
    hashPassword: (password) => (passwords ??= createPasswordPool()).hash(password),
    verifyPassword(hash, password) {
      passwordChecks += 1
      return (passwords ??= createPasswordPool()).verify(hash, password)
    },
    passwordChecks: () => passwordChecks,
    encrypt(plaintext) {
      const nonce = sodium.randombytes_buf(sodium.crypto_secretbox_NONCEBYTES)
      const box = sodium.crypto_secretbox_easy(String(plaintext), nonce, secretKey)
      const joined = new Uint8Array(nonce.length + box.length)
      joined.set(nonce)
      joined.set(box, nonce.length)
      return sodium.to_base64(joined, URLSAFE_NO_PADDING)
    },
    decrypt(ciphertext) {
      const joined = fromBase64(ciphertext, 'the ciphertext')
      const nonceBytes = sodium.crypto_secretbox_NONCEBYTES
      try {
        if (joined.length < nonceBytes + sodium.crypto_secretbox_MACBYTES) throw new Error('short')
        const plain = sodium.crypto_secretbox_open_easy(joined.subarray(nonceBytes), joined.subarray(0, nonceBytes), secretKey)
        return sodium.to_string(plain)
      } catch {
        throw new CryptoError('could not decrypt: the ciphertext was changed, cut short, or made with another key')
      }
    },
    randomToken(bytes = 32) {
      const count = Math.floor(Number(bytes))
      if (!(count >= 1 && count <= MAX_TOKEN_BYTES)) throw new CryptoError(`randomToken takes 1 to ${MAX_TOKEN_BYTES} bytes`)
      return sodium.to_base64(sodium.randombytes_buf(count), URLSAFE_NO_PADDING)
    },
    sign(message) {
      return sodium.to_base64(sodium.crypto_auth_hmacsha256(String(message), macKey), URLSAFE_NO_PADDING)
    },
    verify(message, signature) {
      let tag: Uint8Array
      try {
        tag = sodium.from_base64(String(signature), URLSAFE_NO_PADDING)
      } catch {
        return false
      }
      if (tag.length !== sodium.crypto_auth_hmacsha256_BYTES) return false
      return sodium.crypto_auth_hmacsha256_verify(tag, String(message), macKey)
    },
  }
}
