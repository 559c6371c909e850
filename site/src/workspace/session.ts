/**
 * The learner's sandbox session for one exercise. Sessions live in the server's memory and may
 * vanish (restart, idle expiry); the learner's code never does. When the API says
 * `unknown_session`, this creates a new session, sends the code again, retries once and tells
 * the learner their database was reset.
 */
import { ApiFailure, sandboxApi, type CreatedSession } from './api'
import type { StoredSession, exerciseStorage } from './storage'

export interface SessionOptions {
  exerciseId: string
  storage: ReturnType<typeof exerciseStorage>
  /** The code to load into the app: read at each push, so it is always the latest. */
  currentCode: () => string
  /** Called when a session vanished and a new one (with a fresh database) replaced it. */
  onReplaced: () => void
  /** Called whenever the session (and so its live URL) changes. */
  onSession: (session: StoredSession) => void
}

export function createSandboxSession({ exerciseId, storage, currentCode, onReplaced, onSession }: SessionOptions) {
  let current: StoredSession | null = storage.session()
  /** The code last loaded into the current session, to skip needless compiles, and its hash. */
  let loadedCode: string | null = null
  let loadedHash: string | null = null
  let starter: string | null = storage.starter()

  async function create(): Promise<StoredSession> {
    const created: CreatedSession = await sandboxApi.createSession(exerciseId)
    current = { sessionId: created.sessionId, liveUrl: created.liveUrl, livePathUrl: created.livePathUrl }
    loadedCode = null
    if (created.starter !== null) {
      starter = created.starter
      storage.saveStarter(created.starter)
    }
    storage.saveSession(current)
    onSession(current)
    return current
  }

  async function ensure(): Promise<StoredSession> {
    return current ?? create()
  }

  /** Loads the latest code into `session` unless it is already there. Throws compile errors. */
  async function loadCode(session: StoredSession): Promise<void> {
    const code = currentCode()
    if (code === loadedCode) return
    const { codeHash } = await sandboxApi.putCode(session.sessionId, code)
    loadedCode = code
    loadedHash = codeHash
  }

  /**
   * Runs `work` against a session, with the latest code loaded first unless `withCode` is false
   * (reading the database needs no code). On `unknown_session` it starts a new session, reloads
   * the code and retries once.
   */
  async function run<T>(work: (sessionId: string) => Promise<T>, { withCode = true } = {}): Promise<T> {
    const session = await ensure()
    try {
      if (withCode) await loadCode(session)
      return await work(session.sessionId)
    } catch (error) {
      // Other code reached the session (another tab or window): load this tab's again, once.
      if (withCode && error instanceof ApiFailure && error.code === 'code_changed') {
        loadedCode = null
        await loadCode(session)
        return await work(session.sessionId)
      }
      if (!(error instanceof ApiFailure && error.code === 'unknown_session')) throw error
      const fresh = await create()
      onReplaced()
      if (withCode) await loadCode(fresh)
      return await work(fresh.sessionId)
    }
  }

  return {
    run,
    /** The exercise's starter code, once a session has been created (null before). */
    starter: () => starter,
    /** Creates a session now if there is none, so the starter and live URL are known. */
    ensure,
    current: () => current,
    /** The server's hash of the code last loaded from here: a grade sends it, so it grades exactly that code. */
    loadedHash: () => loadedHash,
    /**
     * Another tab worked on this exercise: its session (it may have made a new one) is in
     * storage, and the code in it is not known here, so the next run loads this tab's again.
     */
    resync() {
      const stored = storage.session()
      if (stored && stored.sessionId !== current?.sessionId) {
        current = stored
        onSession(stored)
      }
      loadedCode = null
      loadedHash = null
    },
  }
}

export type SandboxSession = ReturnType<typeof createSandboxSession>
