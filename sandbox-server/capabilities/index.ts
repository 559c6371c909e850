/**
 * The capabilities of one session, wired into the table of host functions the runtime's door
 * dispatches to. This table is the whole of what learner code can reach on the host.
 */
import type { HostCapabilities } from '../runtime/sandbox.ts'
import type { DbPool } from './db/index.ts'
import type { SessionCache } from './cache/index.ts'
import type { SessionClock } from './clock/index.ts'
import type { SessionCrypto } from './crypto/index.ts'
import type { LogBuffer, LogLevel } from './log/index.ts'

export { createCache, type SessionCache, type CacheStats, type CacheCopy } from './cache/index.ts'
export { createClock, type SessionClock } from './clock/index.ts'
export { createCrypto, loadCrypto, newSessionKeys, CryptoError, type SessionCrypto } from './crypto/index.ts'
export { createLogBuffer, type LogBuffer, type LogEntry, type LogLevel } from './log/index.ts'

export interface SessionCapabilities {
  db: DbPool
  dbId: string
  cache: SessionCache
  clock: SessionClock
  crypto: SessionCrypto
  log: LogBuffer
}

const LOG_LEVELS = new Set<LogLevel>(['debug', 'info', 'log', 'warn', 'error'])

/** The door's dispatch table for one session. Arguments arrive as copied plain data. */
export function capabilityTable({ db, dbId, cache, clock, crypto, log }: SessionCapabilities): HostCapabilities {
  return {
    db: {
      get: (sql: string, params: unknown) => db.get(dbId, sql, params as never),
      all: (sql: string, params: unknown) => db.all(dbId, sql, params as never),
      run: (sql: string, params: unknown) => db.run(dbId, sql, params as never),
      begin: () => db.begin(dbId),
      commit: () => db.commit(dbId),
      rollback: () => db.rollback(dbId),
    },
    crypto: {
      hashPassword: (password: string) => crypto.hashPassword(password),
      verifyPassword: (hash: string, password: string) => crypto.verifyPassword(hash, password),
      encrypt: (plaintext: string) => crypto.encrypt(plaintext),
      decrypt: (ciphertext: string) => crypto.decrypt(ciphertext),
      randomToken: (bytes: number) => crypto.randomToken(bytes),
      sign: (message: string) => crypto.sign(message),
      verify: (message: string, signature: string) => crypto.verify(message, signature),
    },
    cache: {
      get: (key: string) => cache.get(key),
      set: (key: string, value: unknown, options: { ttlMs?: number }) => cache.set(key, value, options),
      delete: (key: string) => cache.delete(key),
      stats: () => cache.stats(),
    },
    log: {
      write: (level: LogLevel, message: unknown, fields?: unknown) =>
        log.write({
          level: LOG_LEVELS.has(level) ? level : 'log',
          message: typeof message === 'string' ? message : '',
          fields: typeof fields === 'object' && fields !== null ? (fields as Record<string, unknown>) : undefined,
          time: clock.now(),
        }),
    },
  }
}
