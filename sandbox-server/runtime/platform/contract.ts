/**
 * The contract between the web platform inside the isolate and the host that lends it the few
 * things a bare V8 context cannot do itself: random bytes, Web Crypto and timers.
 *
 * Everything named here crosses isolated-vm's copy boundary, so it is plain data only: numbers,
 * strings, booleans, null, Uint8Arrays and plain objects or arrays of those. Nothing here may
 * describe a function, a class instance or a host object, and no host CryptoKey ever crosses:
 * the isolate keeps a key's bytes privately and sends them with each call.
 */

/** The name of the global the runtime sets before the platform prelude runs; the prelude deletes it. */
import type { WireMessage } from './wire.ts'

export const PLATFORM_HOST_GLOBAL = '__platformHost'

/**
 * How each host function reaches the isolate (install.ts does the wrapping):
 * `sync` is a Callback that blocks the isolate for the answer; `ignored` is a Callback that
 * returns at once and drops the result; `async` returns a promise on the host, which a Callback
 * cannot carry, so it is started by an ignored Callback with a ticket and its outcome delivered
 * through an in-isolate `settle` function the host holds a Reference to.
 */
export type HostFunctionMode = 'sync' | 'async' | 'ignored'

/** The functions the host lends to the isolate. Every argument must be checked: learner code can reach them. */
/** Web Crypto requests cross as a WireMessage (see wire.ts): encoded in the isolate, decoded on the host. */
export interface PlatformHost {
  /** Fresh random bytes; `length` is 0..65536 as in `crypto.getRandomValues`. */
  randomBytes(length: number): Uint8Array
  /** One Web Crypto operation, answered with the result or the error's name and message. */
  subtle(request: WireMessage): Promise<SubtleOutcome>
  /** Waits `ms` milliseconds for timer `timerId`; tells whether it elapsed, was cancelled or was refused. */
  sleep(timerId: number, ms: number): Promise<SleepOutcome>
  /** Ends the wait of timer `timerId` early (clearTimeout, clearInterval). */
  cancelSleep(timerId: number): void
  /** Tells the host about an error nobody could catch (a throwing timer callback or event listener). */
  reportError(report: UncaughtErrorReport): void
}

/** The Callback mode of each host function; the runtime's installer and the tests read this table. */
export const PLATFORM_HOST_MODES = {
  randomBytes: 'sync',
  subtle: 'async',
  sleep: 'async',
  cancelSleep: 'ignored',
  reportError: 'ignored',
} as const satisfies Record<keyof PlatformHost, HostFunctionMode>

/** `elapsed`: run the callback. `cancelled`: cleared or bridge closed. `refused`: too many timers pending. */
export type SleepOutcome = 'elapsed' | 'cancelled' | 'refused'

/** An error thrown where no learner code could catch it. */
export interface UncaughtErrorReport {
  /** Where it was thrown. */
  source: 'timer' | 'microtask' | 'event-listener'
  /** `Error.name: message`, or the thrown value as text. */
  message: string
  /** The isolate-side stack, when there is one (learner code only, never host frames). */
  stack?: string
}

/** A key's algorithm or an operation's parameters as plain data; CryptoKey params are PlainKeys. */
export interface PlainAlgorithm {
  name: string
  [parameter: string]: PlainValue
}

export type PlainValue = string | number | boolean | null | undefined | Uint8Array | PlainAlgorithm | PlainKey | PlainValue[]

/** A JSON Web Key as plain data. */
export type PlainJwk = Record<string, string | boolean | string[] | undefined>

export type KeyFormat = 'raw' | 'pkcs8' | 'spki' | 'jwk'

/** Everything the isolate keeps about a CryptoKey, including the key material it never shows. */
export interface PlainKey {
  type: 'secret' | 'private' | 'public'
  extractable: boolean
  algorithm: PlainAlgorithm
  usages: string[]
  /** How `keyData` is encoded: raw for secret keys, pkcs8 for private, spki for public. */
  format: KeyFormat
  keyData: Uint8Array
}

export type SubtleRequest =
  | { op: 'digest'; algorithm: PlainAlgorithm; data: Uint8Array }
  | {
      op: 'importKey'
      format: KeyFormat
      keyData: Uint8Array | PlainJwk
      algorithm: PlainAlgorithm
      extractable: boolean
      usages: string[]
    }
  | { op: 'exportKey'; format: KeyFormat; key: PlainKey }
  | { op: 'sign' | 'encrypt' | 'decrypt'; algorithm: PlainAlgorithm; key: PlainKey; data: Uint8Array }
  | { op: 'verify'; algorithm: PlainAlgorithm; key: PlainKey; signature: Uint8Array; data: Uint8Array }
  | { op: 'generateKey'; algorithm: PlainAlgorithm; extractable: boolean; usages: string[] }
  | { op: 'deriveBits'; algorithm: PlainAlgorithm; baseKey: PlainKey; length: number | null }
  | {
      op: 'deriveKey'
      algorithm: PlainAlgorithm
      baseKey: PlainKey
      derivedKeyType: PlainAlgorithm
      extractable: boolean
      usages: string[]
    }
  | { op: 'wrapKey'; format: KeyFormat; key: PlainKey; wrappingKey: PlainKey; wrapAlgorithm: PlainAlgorithm }
  | {
      op: 'unwrapKey'
      format: KeyFormat
      wrappedKey: Uint8Array
      unwrappingKey: PlainKey
      unwrapAlgorithm: PlainAlgorithm
      unwrappedKeyAlgorithm: PlainAlgorithm
      extractable: boolean
      usages: string[]
    }

export type SubtleOperation = SubtleRequest['op']

/** What a subtle operation answers: bytes, a verdict, a JWK, a key or a key pair. */
export type SubtleResult = Uint8Array | boolean | PlainJwk | PlainKey | { publicKey: PlainKey; privateKey: PlainKey }

/** Host functions never throw across the boundary: errors come back as a name the isolate can rebuild. */
export type SubtleOutcome = { ok: true; value: SubtleResult } | { ok: false; name: string; message: string }
