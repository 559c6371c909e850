/**
 * The exercise's reference solution, fetched only when the learner asks to compare. It is a
 * static file the site build writes (pages/exercises/[id]/solution.json.ts), not part of the
 * sandbox API. A failed fetch is not cached, so the learner can try again.
 */
import type { SolutionFile } from '../pages/exercises/[id]/solution.json'

/** Thrown when the site has no solution for this exercise or it could not be fetched. */
export class SolutionUnavailable extends Error {
  override name = 'SolutionUnavailable'
}

const loaded = new Map<string, Promise<string>>()

/**
 * The solution's code for `exerciseId`.
 *
 * @example
 * const code = await loadSolution('crud-notes')
 */
export function loadSolution(exerciseId: string): Promise<string> {
  let pending = loaded.get(exerciseId)
  if (!pending) {
    pending = fetchSolution(exerciseId)
    loaded.set(exerciseId, pending)
    pending.catch(() => loaded.delete(exerciseId))
  }
  return pending
}

async function fetchSolution(exerciseId: string): Promise<string> {
  let response: Response
  try {
    response = await fetch(`/exercises/${encodeURIComponent(exerciseId)}/solution.json`)
  } catch {
    throw new SolutionUnavailable('The solution could not be downloaded: is the server still running?')
  }
  if (response.status === 404) throw new SolutionUnavailable('This exercise has no published solution.')
  if (!response.ok) throw new SolutionUnavailable(`The solution could not be downloaded (the server answered ${response.status}).`)
  const body = (await response.json()) as SolutionFile
  return body.code
}
