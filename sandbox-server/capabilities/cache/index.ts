/**
 * A session's key/value cache with TTLs and hit/miss counters, for the performance lessons.
 * Values are kept serialized (V8's structured-clone format) and copied out on each hit, so the
 * learner's app never holds a host object and each entry counts the bytes it really holds (an
 * ArrayBuffer or a Map counts its contents, not its JSON text). Bounded in entries and bytes;
 * the oldest entry goes first.
 */
import { deserialize, serialize } from 'node:v8'
import type { SessionClock } from '../clock/index.ts'
import { InvalidArgument, LearnerFacingError } from '../../runtime/errors.ts'

export interface CacheStats {
  hits: number
  misses: number
  /** Live entries right now. */
  size: number
}

export interface SessionCache {
  /** The value, or null on a miss (expired entries are misses). */
  get(key: string): unknown
  set(key: string, value: unknown, options?: { ttlMs?: number }): void
  delete(key: string): boolean
  /** Empties the cache and zeroes its counters. */
  clear(): void
  stats(): CacheStats
  /** Approximate bytes held, for the session's memory budget. */
  sizeBytes(): number
  /** Its entries and counters as they are now, to put back later with `restore` (a grade's check replayed). */
  copy(): CacheCopy
  /** Back to what `copy` took: the same entries, expiries and counters. */
  restore(copy: CacheCopy): void
}

/** A cache's contents at one moment (see `SessionCache.copy`); the stored bytes are shared, never changed in place. */
export interface CacheCopy {
  entries: { key: string; stored: Uint8Array; expiresAt: number }[]
  hits: number
  misses: number
}

export interface CacheOptions {
  clock: SessionClock
  maxEntries?: number
  maxBytes?: number
  /** Entries kept from before (oldest first), and where each change is written so they outlive the server. */
  saved?: {
    entries: Iterable<{ key: string; stored: Uint8Array; expiresAt: number }>
    set(entry: { key: string; stored: Uint8Array; expiresAt: number }): void
    delete(key: string): void
    clear(): void
  }
}

export class CacheValueTooLarge extends LearnerFacingError {
  override name = 'CacheValueTooLarge'
}

/**
 * @example
 * const cache = createCache({ clock })
 * cache.set('report', { total: 3 }, { ttlMs: 30_000 })
 * cache.get('report') // { total: 3 }, a hit
 */
export function createCache({ clock, maxEntries = 1000, maxBytes = 1024 * 1024, saved }: CacheOptions): SessionCache {
  const entries = new Map<string, { stored: Uint8Array; expiresAt: number; bytes: number }>()
  let bytes = 0
  let hits = 0
  let misses = 0
  for (const { key, stored, expiresAt } of saved?.entries ?? []) {
    const size = 2 * key.length + stored.byteLength
    entries.set(key, { stored, expiresAt, bytes: size })
    bytes += size
  }

  const remove = (key: string) => {
    const entry = entries.get(key)
    if (!entry) return false
    bytes -= entry.bytes
    entries.delete(key)
    saved?.delete(key)
    return true
  }
  const purgeExpired = () => {
    const now = clock.now()
    for (const [key, entry] of entries) if (entry.expiresAt <= now) remove(key)
  }

  function clear() {
    entries.clear()
    saved?.clear()
    bytes = 0
    hits = 0
    misses = 0
  }

  return {
    get(key) {
      const entry = entries.get(String(key))
      if (!entry || entry.expiresAt <= clock.now()) {
        if (entry) remove(String(key))
        misses++
        return null
      }
      hits++
      return deserialize(entry.stored)
    },
    set(key, value, { ttlMs = Number.POSITIVE_INFINITY } = {}) {
      if (!(ttlMs > 0)) throw new InvalidArgument('cache.set: ttlMs must be a positive number of milliseconds')
      let stored: Uint8Array
      try {
        stored = serialize(value)
      } catch {
        throw new InvalidArgument('cache.set: the value cannot be copied; store plain data (objects, arrays, strings, numbers)')
      }
      const size = 2 * String(key).length + stored.byteLength
      if (size > maxBytes) throw new CacheValueTooLarge(`cache.set: the value is ${size} bytes; the cache holds at most ${maxBytes}`)
      remove(String(key))
      purgeExpired()
      while (entries.size >= maxEntries || bytes + size > maxBytes) remove(entries.keys().next().value as string)
      const entry = { stored, expiresAt: clock.now() + ttlMs, bytes: size }
      entries.set(String(key), entry)
      bytes += size
      saved?.set({ key: String(key), stored, expiresAt: entry.expiresAt })
    },
    delete: (key) => remove(String(key)),
    clear,
    stats() {
      purgeExpired()
      return { hits, misses, size: entries.size }
    },
    sizeBytes: () => bytes,
    copy: () => ({ entries: [...entries].map(([key, { stored, expiresAt }]) => ({ key, stored, expiresAt })), hits, misses }),
    restore(copy) {
      clear()
      for (const { key, stored, expiresAt } of copy.entries) {
        const size = 2 * key.length + stored.byteLength
        entries.set(key, { stored, expiresAt, bytes: size })
        bytes += size
        saved?.set({ key, stored, expiresAt })
      }
      hits = copy.hits
      misses = copy.misses
    },
  }
}
