/**
 * A session's app from code to isolate and back: compiling the learner's code, building the
 * warm sandbox that runs it (again after a limit stopped the last one), dropping it when the
 * app sits idle, loading new code, and putting the session's data back to its seed or to a
 * captured state. The session keeps its database, cache and clock across sandboxes.
 */
import { compileLearnerModule } from '../runtime/compile.ts'
import { createStackMapper, type StackMapper } from '../runtime/stack.ts'
import { Sandbox, type SandboxLimits } from '../runtime/sandbox.ts'
import { LearnerModuleError } from '../runtime/errors.ts'
import { capabilityTable, type CacheCopy, type LogEntry } from '../capabilities/index.ts'
import type { DbPool } from '../capabilities/db/index.ts'
import type { SavedSessions } from './saved.ts'
import type { SessionLogs } from './logs.ts'
import { hashCode, type CompiledCode, type Session, type SessionState } from './session.ts'

export class NoCodeLoaded extends Error {
  override name = 'NoCodeLoaded'
  constructor() {
    super('This session has no code yet: send your code first (PUT /api/sessions/<id>/code).')
  }
}

/** What a session's app is doing: no isolate yet, one starting, one warm, or one a limit stopped. */
export type AppState = 'none' | 'starting' | 'running' | 'stopped'

/** A session's data at one moment (`capture`), to put it back there later (`restore`). */
export interface CapturedState {
  /** The database. */
  snapshot: Uint8Array
  /** What the session's clock read. */
  clockAt: number
  cache: CacheCopy
}

export interface AppLifecycleOptions {
  db: DbPool
  limits: Partial<SandboxLimits> | undefined
  /** The state file, where a kept session's new code is written. */
  saved: SavedSessions | undefined
  logs: SessionLogs
}

/**
 * @example
 * const apps = createAppLifecycle({ db, limits, saved, logs })
 * await apps.setCode(session, source)
 * const sandbox = await apps.sandboxFor(session)
 */
export function createAppLifecycle({ db, limits, saved, logs }: AppLifecycleOptions) {
  function dropSandbox(session: SessionState) {
    const pending = session.sandbox
    session.sandbox = undefined
    session.ready = undefined
    pending?.then(
      (sandbox) => sandbox.dispose(),
      () => {},
    )
  }

  /**
   * Undoes what a stopped run left half-done in the session's database: its statements still
   * waiting are cancelled, an open transaction rolled back. Returns that as a sentence to add
   * to the limit's message ('' when nothing was undone).
   */
  async function abandonLeftovers(session: SessionState): Promise<string> {
    return describeUndone(await db.abandon(session.dbId).catch(() => undefined))
  }

  /** The session's warm sandbox, or a new one when there is none or a limit stopped it. */
  async function sandboxFor(session: SessionState): Promise<Sandbox> {
    if (session.compiled === undefined && session.source !== undefined) {
      // Kept from before a restart: compiled once, by whichever request comes first.
      const source = session.source
      session.compiling ??= compile(source, session)
        .then((compiled) => void (session.source === source && (session.compiled ??= compiled)))
        .finally(() => (session.compiling = undefined))
      await session.compiling
    }
    if (session.compiled === undefined) throw new NoCodeLoaded()
    const current = session.sandbox && (await session.sandbox.catch(() => undefined))
    if (current && !current.disposed) return current
    if (current?.stopReason) {
      // Stopped between requests (a background timer): say why the app starts afresh, and
      // undo what it left half-done in its database.
      const undone = await abandonLeftovers(session)
      session.log.write({
        level: 'warn',
        message: `Your app was restarted: ${current.stopReason.message}${undone}`,
        time: session.clock.now(),
      })
    }
    const compiled = session.compiled
    const building = (async () => {
      const sandbox = await Sandbox.create({
        capabilities: capabilityTable({ ...session, db }),
        limits,
        onUncaughtError: ({ source, message, stack }) =>
          session.log.write({ level: 'error', message: `Uncaught error in a ${source}: ${stack ?? message}`, time: session.clock.now() }),
      })
      try {
        await sandbox.load(compiled)
      } catch (error) {
        sandbox.dispose()
        throw error
      }
      return sandbox
    })()
    session.sandbox = building
    session.ready = undefined
    building.then(
      (sandbox) => void (session.sandbox === building && (session.ready = sandbox)),
      () => {},
    )
    building.catch(() => {
      if (session.sandbox === building) session.sandbox = undefined
    })
    return building
  }

  function appState(session: SessionState): AppState {
    if (!session.sandbox) return 'none'
    if (session.ready === undefined) return 'starting'
    return session.ready.disposed ? 'stopped' : 'running'
  }

  /** Compiles and loads new code; throws CompileError or LearnerModuleError and keeps the old code then. */
  async function setCode(session: SessionState, source: string): Promise<{ codeHash: string; logs: LogEntry[] }> {
    const compiled = await compile(source, session)
    const previous = { compiled: session.compiled, sandbox: session.sandbox, ready: session.ready }
    session.compiled = compiled
    session.sandbox = undefined
    // Loading runs the module's top level: its lines are the load's, not background ones.
    await logs.duringRun(session, async () => {
      try {
        await sandboxFor(session)
      } catch (error) {
        session.compiled = previous.compiled
        session.sandbox = previous.sandbox
        session.ready = previous.ready
        const failed = readable(error, compiled.mapStack)
        logs.recordLoad(session, failed as Error)
        throw failed
      }
    })
    previous.sandbox?.then(
      (sandbox) => sandbox.dispose(),
      () => {},
    )
    session.source = source
    session.codeHash = hashCode(source)
    if (session.saved) saved?.setCode(session.id, source)
    return { codeHash: session.codeHash, logs: logs.recordLoad(session) }
  }

  /** Resets `session` to its seed (no state) or to a captured state; concurrent resets run one after another. */
  async function resetTo(session: SessionState, state: CapturedState | undefined) {
    const previous = session.resetting ?? Promise.resolve()
    const resetting = previous.then(async () => {
      dropSandbox(session)
      await db.close(session.dbId)
      await db.open(session.dbId, state ? { snapshot: state.snapshot } : session.seed)
      if (state) {
        session.cache.restore(state.cache)
        session.clock.setTo(state.clockAt)
      } else {
        session.cache.clear()
        session.clock.reset()
      }
      session.log.drain()
    })
    // The next reset waits for this one, whether it worked or not.
    session.resetting = resetting.catch(() => {})
    await resetting
  }

  /** The session's database, clock and cache as they are now, for `resetTo`. */
  async function capture(session: SessionState): Promise<CapturedState> {
    return { snapshot: await db.snapshot(session.dbId), clockAt: session.clock.now(), cache: session.cache.copy() }
  }

  return { dropSandbox, abandonLeftovers, sandboxFor, appState, setCode, resetTo, capture }
}

export type AppLifecycle = ReturnType<typeof createAppLifecycle>

async function compile(source: string, { appUnderTest, env }: Pick<Session, 'appUnderTest' | 'env'>): Promise<CompiledCode> {
  const { map, ...compiled } = await compileLearnerModule(source, { appUnderTest, env })
  return { ...compiled, mapStack: createStackMapper(map) }
}

/** What `db.abandon` undid, as a sentence to add to a limit's message ('' when nothing). */
function describeUndone(undone: { cancelled: number; rolledBack: boolean } | undefined): string {
  if (!undone || (undone.cancelled === 0 && !undone.rolledBack)) return ''
  const parts = [
    ...(undone.rolledBack ? ['its open db.transaction was rolled back'] : []),
    ...(undone.cancelled > 0 ? [`${undone.cancelled} database ${undone.cancelled === 1 ? 'call' : 'calls'} still waiting never ran`] : []),
  ]
  return ` (${parts.join(', and ')}.)`
}

/** A learner's app error with its position mapped to app.ts. */
export function readable(error: unknown, mapStack: StackMapper): unknown {
  return error instanceof LearnerModuleError ? new LearnerModuleError(mapStack(error.message)) : error
}
