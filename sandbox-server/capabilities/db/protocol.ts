/**
 * The IPC protocol between the host's pool (./pool.ts) and a database child (./child.js).
 *
 * One request at a time per child: `{ id, op, ...payload }` goes down, `{ id, ok, ... }` comes
 * back; a large snapshot travels ahead of its message in BytesPart slices. A request names its
 * database by a key of 32 hex digits (a hash of the session's id, never the id itself): the
 * file `<dataDir>/<key>.sqlite`. Messages cross as JSON, Uint8Array and BigInt tagged on the
 * way (../../ipc/json-wire.js), so both arrive as themselves. Keep this small: every field here is copied on every call.
 * Nothing here may carry a host path, a stack trace or an environment variable.
 */

/** A value SQLite can bind or return. */
export type WireValue = null | number | bigint | string | Uint8Array

/** Bound parameters: an array for `?`, an object (keys without the `:`/`@`/`$`) for `:name`. */
export type WireParams = WireValue[] | { [name: string]: WireValue }

/** Limits the child enforces on what it sends back; passed once as its first argv. */
export interface ChildConfig {
  /** Most rows one all() or query() may return. */
  maxRows: number
  /** Rough most bytes of values one reply may carry (strings count 2 bytes a character). */
  maxResultBytes: number
  /**
   * Bytes over this size (snapshots) cross as several BytesPart messages: one 15 MB message
   * stalled the receiving event loop ~25 ms (measured), 1 MiB parts ~4 ms.
   */
  partBytes: number
  /** The folder holding the database files. */
  dataDir: string
  /** SQLite pages each database may use (`max_page_count`, main and TEMP). */
  maxPageCount: number
  /** Connections one child keeps open; beyond it the least recently used are closed (the files stay). */
  maxOpen: number
}

export type DbRequest = { id: number } & (
  | {
      /** Replaces any file of that key with a new database: seeded, or a snapshot's bytes. */
      op: 'create'
      dbId: string
      seedSql?: string
      /** A snapshot to start from; when large it arrives beforehand as BytesPart messages instead. */
      bytes?: Uint8Array
    }
  | { op: 'get' | 'all' | 'run' | 'query'; dbId: string; sql: string; params?: WireParams }
  | { op: 'begin' | 'commit' | 'rollback' | 'tables' | 'snapshot' | 'size' | 'close'; dbId: string }
  | { op: 'rows'; dbId: string; table: string; limit: number; offset: number }
)

/** An error as it crosses: already worded for the learner. */
export interface WireError {
  kind: 'sql' | 'unknown-db'
  message: string
  /** SQLite's code (SQLITE_CONSTRAINT_FOREIGNKEY...) or a SANDBOX_* code of ours. */
  code: string
}

export type DbReply =
  | {
      id: number
      ok: true
      result?: unknown
      /** The database is inside a transaction after this request. */
      tx?: boolean
      /** A snapshot; when large it came beforehand as BytesPart messages instead. */
      bytes?: Uint8Array
      /** CPU time the child spent on this request (user + system), in ms: the learner's real cost. */
      cpuMs?: number
    }
  | { id: number; ok: false; error: WireError; cpuMs?: number }

/** One slice of a large `bytes` field, sent (either way) just before the message it belongs to. */
export interface BytesPart {
  id: number
  part: Uint8Array
  offset: number
  total: number
}

/** The child's first message: it has loaded better-sqlite3 and listens. */
export interface ChildReady {
  ready: true
}
