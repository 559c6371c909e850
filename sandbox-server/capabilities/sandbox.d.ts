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

/**
 * Tests you write yourself, in exercises that ask for them. `expect` is Vitest's own, so these
 * tests work unchanged in a real project (`import { test, expect } from 'vitest'`). The common
 * matchers are typed here; every Vitest matcher works.
 */
declare module 'sandbox/test' {
  /** A test: it fails when it throws, or when an `expect` inside it does not hold. */
  export function test(name: string, fn: () => unknown): void
  /** Another name for `test`. */
  export const it: typeof test
  /** Groups tests under a name, shown as "group > test". */
  export function describe(name: string, fn: () => void): void
  /** Runs before each test in the enclosing describe (or the whole file). */
  export function beforeEach(fn: () => unknown): void
  /** Runs after each test in the enclosing describe (or the whole file), even one that failed. */
  export function afterEach(fn: () => unknown): void
  /** Runs once, before the first test in the enclosing describe (or the whole file). */
  export function beforeAll(fn: () => unknown): void
  /** Runs once, after the last test in the enclosing describe (or the whole file). */
  export function afterAll(fn: () => unknown): void

  export interface Assertion<T = unknown> {
    /** Inverts the matcher: `expect(res.status).not.toBe(500)`. */
    not: Assertion<T>
    /** Awaits a promise, then applies the matcher to its value. */
    resolves: Assertion<Awaited<T>> & PromiseLike<void>
    /** Awaits a promise expected to reject, then applies the matcher to the error. */
    rejects: Assertion<unknown> & PromiseLike<void>
    /** The same value (`===`, with NaN and -0 handled): numbers, strings, booleans. */
    toBe(expected: unknown): void
    /** The same content, compared deeply: objects and arrays. */
    toEqual(expected: unknown): void
    /** Like toEqual, and also the same types and no extra undefined properties. */
    toStrictEqual(expected: unknown): void
    /** Has at least these properties with these values: `toMatchObject({ name: 'Ada' })`. */
    toMatchObject(expected: object): void
    /** An array holds the item (`===`), or a string holds the text. */
    toContain(expected: unknown): void
    /** An array holds an item equal to this one (compared deeply). */
    toContainEqual(expected: unknown): void
    /** `.length` is this number. */
    toHaveLength(length: number): void
    /** Has a property at this path (`'user.name'` or `['user', 'name']`), optionally with this value. */
    toHaveProperty(path: string | string[], value?: unknown): void
    /** A string matches the regular expression, or contains the text. */
    toMatch(expected: RegExp | string): void
    toBeTruthy(): void
    toBeFalsy(): void
    toBeDefined(): void
    toBeUndefined(): void
    toBeNull(): void
    toBeNaN(): void
    toBeGreaterThan(expected: number | bigint): void
    toBeGreaterThanOrEqual(expected: number | bigint): void
    toBeLessThan(expected: number | bigint): void
    toBeLessThanOrEqual(expected: number | bigint): void
    /** Equal up to `digits` decimal places (default 2): for sums of prices. */
    toBeCloseTo(expected: number, digits?: number): void
    /** `typeof value` is this: `toBeTypeOf('string')`. */
    toBeTypeOf(type: 'string' | 'number' | 'bigint' | 'boolean' | 'symbol' | 'undefined' | 'object' | 'function'): void
    toBeInstanceOf(constructor: abstract new (...args: never[]) => unknown): void
    /** The value is one of these. */
    toBeOneOf(expected: unknown[]): void
    /** A function throws (optionally with this message or matching this pattern) when called. */
    toThrow(expected?: string | RegExp): void
  }

  export interface Expect {
    <T>(actual: T, message?: string): Assertion<T>
    /** Matches any value made by this constructor: `expect.any(Number)`, `expect.any(String)`. */
    any(constructor: unknown): any
    /** Matches anything except null and undefined. */
    anything(): any
    /** Matches an object with at least these properties. */
    objectContaining(expected: object): any
    /** Matches an array holding at least these items. */
    arrayContaining(expected: unknown[]): any
    /** Matches a string containing this text. */
    stringContaining(expected: string): any
    /** Matches a string matching this pattern. */
    stringMatching(expected: string | RegExp): any
  }

  /** Vitest's expect: `expect(res.status).toBe(201)`. */
  export const expect: Expect
}
