/**
 * Inside the isolate: the `sandbox` module learners import. Each function is a thin call
 * through the door; the real work (SQLite, libsodium, the cache) happens on the host.
 * Its types for learners and the editor live in sandbox-server/capabilities/sandbox.d.ts.
 */
import { callHost } from './door.ts'

type Params = unknown[] | Record<string, unknown>

function sqlParams(params: Params | undefined): Params {
  if (params === undefined) return []
  if (typeof params !== 'object' || params === null) {
    throw new TypeError('SQL parameters go in an array, e.g. db.get("SELECT * FROM users WHERE id = ?", [id])')
  }
  return params
}

let inTransaction = false
const SYNCHRONOUS_ONLY =
  'db.transaction needs a synchronous function: db calls are synchronous, so no await is needed inside (do slow work such as a payment before or after the transaction)'

export const db = {
  get: (sql: string, params?: Params) => callHost('db', 'get', [String(sql), sqlParams(params)]) ?? undefined,
  all: (sql: string, params?: Params) => callHost('db', 'all', [String(sql), sqlParams(params)]),
  run: (sql: string, params?: Params) => callHost('db', 'run', [String(sql), sqlParams(params)]),
  /** Runs `fn` in a transaction: commit when it returns, roll back when it throws. */
  transaction<T>(fn: () => T): T {
    if (typeof fn !== 'function') throw new TypeError('db.transaction takes a function')
    // Refused before it runs: once called, the part of an async function after its first await
    // would run later, outside any transaction.
    if (/^\[object Async/.test(Object.prototype.toString.call(fn))) throw new Error(SYNCHRONOUS_ONLY)
    if (inTransaction) throw new Error('db.transaction cannot be nested')
    callHost('db', 'begin', [])
    inTransaction = true
    try {
      const result = fn()
      if (result && typeof (result as { then?: unknown }).then === 'function') {
        throw new Error(SYNCHRONOUS_ONLY)
      }
      inTransaction = false
      callHost('db', 'commit', [])
      return result
    } catch (error) {
      if (inTransaction) {
        inTransaction = false
        callHost('db', 'rollback', [])
      }
      throw error
    }
  },
}

export const crypto = {
  hashPassword: (password: string) => callHost('crypto', 'hashPassword', [String(password)]),
  verifyPassword: (hash: string, password: string) => callHost('crypto', 'verifyPassword', [String(hash), String(password)]),
  encrypt: (plaintext: string) => callHost('crypto', 'encrypt', [String(plaintext)]),
  decrypt: (ciphertext: string) => callHost('crypto', 'decrypt', [String(ciphertext)]),
  randomToken: (bytes?: number) => callHost('crypto', 'randomToken', [bytes ?? 32]),
  sign: (message: string) => callHost('crypto', 'sign', [String(message)]),
  verify: (message: string, signature: string) => callHost('crypto', 'verify', [String(message), String(signature)]),
  randomUUID: () => globalThis.crypto.randomUUID(),
}

export const cache = {
  get: (key: string) => callHost('cache', 'get', [String(key)]),
  set: (key: string, value: unknown, options?: { ttlMs?: number }) => {
    callHost('cache', 'set', [String(key), value, { ttlMs: options?.ttlMs }])
  },
  delete: (key: string) => callHost('cache', 'delete', [String(key)]),
  stats: () => callHost('cache', 'stats', []),
}

export const clock = {
  now: () => Date.now(),
}

/** Longest log message sent to the host; the host keeps 4 KB of it and says how much more there was. */
const MAX_LOG_MESSAGE = 64 * 1024

function structured(level: string) {
  return (message: string, fields?: Record<string, unknown>) => {
    const text = clip(String(message))
    try {
      callHost('log', 'write', [level, text, fields])
    } catch (error) {
      // Fields too large (or not plain data) still leave their line in the log, with the reason.
      if (!(error instanceof RangeError || error instanceof TypeError)) throw error
      callHost('log', 'write', [level, text, { unlogged: error.message }])
    }
  }
}

function clip(text: string): string {
  return text.length > MAX_LOG_MESSAGE ? text.slice(0, MAX_LOG_MESSAGE) : text
}

export const log = {
  debug: structured('debug'),
  info: structured('info'),
  warn: structured('warn'),
  error: structured('error'),
}
