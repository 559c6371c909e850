/**
 * The exercise's reference solution, fetched only when the learner asks to compare. The server
 * decides whether it may be shown (its SOLUTIONS setting: after an attempt by default, never,
 * or always) and says why not; a refusal or failed fetch is not cached, so the learner can
 * check their code and try again.
 */
import { ApiFailure, ServerUnreachable, sandboxApi } from './api'
import type { SandboxSession } from './session'

/** Thrown when the server will not show the solution (yet), or it could not be fetched. */
export class SolutionUnavailable extends Error {
  override name = 'SolutionUnavailable'
}

const loaded = new Map<string, Promise<string>>()

/**
 * The solution's code for `exerciseId`, asked for through the learner's session.
 *
 * @example
 * const code = await loadSolution('crud-notes', session)
 */
export function loadSolution(exerciseId: string, session: SandboxSession): Promise<string> {
  let pending = loaded.get(exerciseId)
  if (!pending) {
    pending = fetchSolution(session)
    loaded.set(exerciseId, pending)
    pending.catch(() => loaded.delete(exerciseId))
  }
  return pending
}

async function fetchSolution(session: SandboxSession): Promise<string> {
  try {
    const { code } = await session.run((id) => sandboxApi.solution(id), { withCode: false })
    return code
  } catch (error) {
    if (error instanceof ApiFailure || error instanceof ServerUnreachable) throw new SolutionUnavailable(error.message)
    throw error
  }
}
