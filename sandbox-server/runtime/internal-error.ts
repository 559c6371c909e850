/**
 * Internal errors: failures of the sandbox itself, not of the learner's code. Each is logged on
 * the host with a short random id, and only that id travels to the learner, so an answer never
 * carries a host stack, path or message.
 */
import { randomBytes } from 'node:crypto'
import { logEvent } from '../observability/logging.ts'

/**
 * Logs `error` as internal and returns the id to show in its place.
 *
 * @example
 * const id = reportInternalError(error, 'capability db.get')
 * return { err: { name: 'Error', message: `internal error ${id}` } }
 */
export function reportInternalError(error: unknown, where: string): string {
  const id = randomBytes(4).toString('hex')
  // One line on the server's log (inside a request, with its reqId); no session id survives it.
  logEvent('error', 'internal_error', { id, where, error: String((error as Error)?.stack ?? error) })
  return id
}
