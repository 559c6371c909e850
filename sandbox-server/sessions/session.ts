/**
 * One learner session's state: what callers see of it (`Session`), what the store keeps
 * beside it (`SessionState`: its compiled code, warm sandbox, turns, watchers), and how one is
 * built, new or as the state file kept it. Nothing here runs the learner's code.
 */
import { createHash } from 'node:crypto'
import type { CompiledModule } from '../runtime/compile.ts'
import type { StackMapper } from '../runtime/stack.ts'
import type { Sandbox } from '../runtime/sandbox.ts'
import { createAdmission } from './admission.ts'
import type { SavedCacheEntry, SavedSession, SavedSessions } from './saved.ts'
import type { Activity, createActivityRate } from './activity.ts'
import {
  createCache,
  createClock,
  createCrypto,
  createLogBuffer,
  type SessionCache,
  type SessionClock,
  type SessionCrypto,
  type LogBuffer,
} from '../capabilities/index.ts'

export interface Session {
  readonly id: string
  readonly exerciseId: string | undefined
  readonly createdAt: number
  lastUsedAt: number
  source: string | undefined
  codeHash: string | undefined
  readonly clock: SessionClock
  readonly cache: SessionCache
  readonly crypto: SessionCrypto
  readonly log: LogBuffer
  readonly dbId: string
  /** In a test-writing exercise, the app the learner's tests import as `./app`. */
  readonly appUnderTest: string | undefined
  /** What `env(c)` from hono/adapter answers: the exercise's environment. */
  readonly env: Readonly<Record<string, string>> | undefined
  /** Approximate bytes this session holds, refreshed by the sweeper. */
  memoryBytes: number
  /** Bytes held for it outside its isolate and cache (a kept grade's captured states), counted by the sweeper too. */
  heldBytes: number
}

/** The learner's code, compiled, with the map from its positions back to app.ts. */
export type CompiledCode = Pick<CompiledModule, 'code' | 'usesTests' | 'libraries'> & { mapStack: StackMapper }

export interface SessionState extends Session {
  /** This session's own turns (see admission.ts): 2 runs at once, 8 waiting. */
  admission: ReturnType<typeof createAdmission>
  /** Where a fresh database comes from: trusted seed SQL, or a database snapshot. */
  seed: { seedSql?: string; snapshot?: Uint8Array }
  compiled: CompiledCode | undefined
  sandbox: Promise<Sandbox> | undefined
  /** The last sandbox that finished building, to tell its state without waiting. */
  ready: Sandbox | undefined
  /** The reset in progress, so that concurrent resets run one after another. */
  resetting: Promise<void> | undefined
  /** Kept in the state file (see saved.ts). */
  saved: boolean
  /** The last-used time the state file has. */
  savedLastUsedAt: number
  /** Compiling code loaded from the state file, on the first request after a restart. */
  compiling: Promise<void> | undefined
  /** Its isolate's CPU time when `busySinceLastAsked` last looked. */
  cpuSeen: bigint
  /** Where its activity goes while someone watches it (see ./feed.ts); undefined: nobody does, and no event is built. */
  activity: ((event: Activity) => void) | undefined
  /** How many events it may cause (see ./activity.ts); made when it is first watched. */
  activityRate: ReturnType<typeof createActivityRate> | undefined
  /** Runs in progress (requests, calls, test runs, loading code): log lines written outside them are background lines. */
  running: number
  /** Background log lines are waiting to go to the feed as one event. */
  logsPending: boolean
}

export function hashCode(source: string): string {
  return createHash('sha256').update(source).digest('hex').slice(0, 16)
}

export interface BuildSessionOptions {
  /** The state file, for a session kept there: its clock and cache changes are written to it. */
  saved: SavedSessions | undefined
  /** A line was written to the session's log (see ./logs.ts). */
  onLogWritten(session: SessionState): void
}

/** A session's state in memory, new or as the state file kept it. */
export function buildSession(
  kept: SavedSession,
  cacheEntries: SavedCacheEntry[],
  seed: SessionState['seed'],
  { saved, onLogWritten }: BuildSessionOptions,
): SessionState {
  const { id } = kept
  const clock = createClock({ offsetMs: kept.clockOffsetMs, onChange: saved && ((offsetMs) => saved.setClock(id, offsetMs)) })
  const session: SessionState = {
    id,
    exerciseId: kept.exerciseId,
    createdAt: kept.createdAt,
    lastUsedAt: kept.lastUsedAt,
    source: kept.source,
    codeHash: kept.source === undefined ? undefined : hashCode(kept.source),
    clock,
    cache: createCache({
      clock,
      saved: saved && {
        entries: cacheEntries,
        set: (entry) => saved.setCacheEntry(id, entry),
        delete: (key) => saved.deleteCacheEntry(id, key),
        clear: () => saved.clearCache(id),
      },
    }),
    crypto: createCrypto(kept.keys),
    log: createLogBuffer({ onWrite: () => onLogWritten(session) }),
    dbId: id,
    appUnderTest: kept.appUnderTest,
    env: kept.env,
    memoryBytes: 0,
    heldBytes: 0,
    seed,
    admission: createAdmission({ concurrent: 2, queued: 8 }),
    compiled: undefined,
    sandbox: undefined,
    ready: undefined,
    resetting: undefined,
    saved: saved !== undefined,
    savedLastUsedAt: kept.lastUsedAt,
    compiling: undefined,
    cpuSeen: 0n,
    activity: undefined,
    activityRate: undefined,
    running: 0,
    logsPending: false,
  }
  return session
}
