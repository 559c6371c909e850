/**
 * What the workspace keeps in this browser, per exercise: the learner's code (so a reload
 * resumes), the code from before the last reset (so a reset can be undone), the sandbox
 * session to reuse, and whether the checks were run once. Storage failures are tolerated: the
 * workspace still works, it just forgets.
 */
const PREFIX = 'backend-sandbox'

function read(key: string): string | null {
  try {
    return localStorage.getItem(key)
  } catch {
    return null
  }
}

function write(key: string, value: string | null): void {
  try {
    if (value === null) localStorage.removeItem(key)
    else localStorage.setItem(key, value)
  } catch {
    // Full or blocked storage: nothing to do but carry on.
  }
}

export interface StoredSession {
  sessionId: string
  liveUrl: string
  livePathUrl: string
}

export function exerciseStorage(exerciseId: string) {
  const key = (what: string) => `${PREFIX}:${what}:${exerciseId}`
  return {
    code: () => read(key('code')),
    saveCode: (code: string) => write(key('code'), code),
    codeBeforeReset: () => read(key('code-before-reset')),
    saveCodeBeforeReset: (code: string | null) => write(key('code-before-reset'), code),
    starter: () => read(key('starter')),
    saveStarter: (code: string) => write(key('starter'), code),
    session(): StoredSession | null {
      try {
        return JSON.parse(read(key('session')) ?? 'null')
      } catch {
        return null
      }
    },
    saveSession: (session: StoredSession | null) => write(key('session'), session && JSON.stringify(session)),
    /** Whether the learner has run the checks at least once (which unlocks "Compare with a solution"). */
    attempted: () => read(key('attempted')) === 'true',
    saveAttempted: () => write(key('attempted'), 'true'),
  }
}

/** Whether Tab moves focus out of the editor: one setting for all exercises. */
export const tabFocusSetting = {
  get: () => read(`${PREFIX}:tab-moves-focus`) === 'true',
  set: (on: boolean) => write(`${PREFIX}:tab-moves-focus`, String(on)),
}
