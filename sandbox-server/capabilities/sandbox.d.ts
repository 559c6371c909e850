/**
 * Types of the `sandbox` module that learner code imports. The editor loads this file for
 * autocomplete, and `npm test` type-checks starters and solutions against it.
 */
declare module 'sandbox' {
  /** One SQL parameter: bound with `?` (array) or `:name` / `@name` / `$name` (object). */
  export type SqlValue = string | number | bigint | boolean | null | Uint8Array
  export type SqlParams = SqlValue[] | Record<string, SqlValue>
  export type Row = Record<string, SqlValue>

  /** Your own SQLite database. One statement per call; always bind values, never paste them in. */
  export const db: {
    /** The first row, or undefined. `db.get('SELECT * FROM users WHERE id = ?', [id])` */
    get<T = Row>(sql: string, params?: SqlParams): T | undefined
    /** All rows (up to a limit). `db.all('SELECT * FROM users ORDER BY id')` */
    all<T = Row>(sql: string, params?: SqlParams): T[]
    /** INSERT, UPDATE, DELETE, CREATE... `db.run('INSERT INTO users (name) VALUES (?)', [name]).lastInsertRowid` */
    run(sql: string, params?: SqlParams): { changes: number; lastInsertRowid: number }
    /** Runs `fn` in a transaction: all its writes happen, or none (when it throws). */
    transaction<T>(fn: () => T): T
  }

  /** Cryptography with libsodium. Keys belong to your session and never leave the server. */
  export const crypto: {
    /** A salted argon2id hash to store instead of the password. */
    hashPassword(password: string): string
    /** True when `password` matches a hash from hashPassword. */
    verifyPassword(hash: string, password: string): boolean
    /** Encrypts text with your session's secret key (authenticated: changes are detected). */
    encrypt(plaintext: string): string
    /** Decrypts a value from encrypt; throws CryptoError when it was changed. */
    decrypt(ciphertext: string): string
    /** A random, URL-safe token (default 32 random bytes). */
    randomToken(bytes?: number): string
    /** An HMAC-SHA256 signature of `message` with your session's key (for signed tokens). */
    sign(message: string): string
    /** True when `signature` is sign(message). Constant time. */
    verify(message: string, signature: string): boolean
    randomUUID(): string
  }

  /** A key/value cache with expiry. Values are copied in and out. */
  export const cache: {
    /** The cached value, or null when missing or expired (a miss). */
    get<T = unknown>(key: string): T | null
    set(key: string, value: unknown, options?: { ttlMs?: number }): void
    delete(key: string): boolean
    stats(): { hits: number; misses: number; size: number }
  }

  /** Your app's clock. Checks may move it forward to test expiry; `Date.now()` follows it. */
  export const clock: { now(): number }

  /** Structured logs: a message plus fields, shown with each response. */
  export const log: {
    debug(message: string, fields?: Record<string, unknown>): void
    info(message: string, fields?: Record<string, unknown>): void
    warn(message: string, fields?: Record<string, unknown>): void
    error(message: string, fields?: Record<string, unknown>): void
  }
}
