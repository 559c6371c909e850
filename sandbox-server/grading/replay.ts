/**
 * Replayable failures: what a check did, step by step (requests with their headers and bodies,
 * clock moves, signatures made with the grade's key, calls of exported functions), recorded
 * while it ran, so that a failed check can be done again in its grade's kept session
 * (kept-grades.ts) and copied as curl lines that reproduce it.
 *
 * Why the steps run again from the check's starting state, not in the session as the grade
 * left it: later checks went on after the failure (they wrote rows, moved the clock), so the
 * session at the end of a grade is no longer what the failing check saw. Before each check the
 * grade captures the session's database, cache and clock; a replay puts that back (the clock
 * reading the very instant the check began, so a token issued during the grade expires when it
 * did then), and sends the same requests with the same tokens, signed by the same key. What
 * cannot be put back: the values the app kept in its own variables (the replay starts a new
 * isolate on the same code), and the learner's own tests (a test-writing check), which are
 * shown, not replayed.
 */
import type { CapturedState } from '../sessions/index.ts'
import type { CheckReplay, ReplayRequest, ReplayStep } from './replay-schemas.ts'
import { curlCommand } from './curl.ts'

export { CheckReplay, ReplayRequest, ReplayStep } from './replay-schemas.ts'

/** A step as the grade records it; a replay does it again. */
export type RecordedStep =
  | { kind: 'request'; request: ReplayRequest; gradedStatus?: number }
  | { kind: 'clock'; ms: number }
  | { kind: 'sign'; message: string; signature: string }
  | { kind: 'call'; name: string; args: unknown[] }
  | { kind: 'tests'; mutate?: [string, string] }
  | { kind: 'restart' }

/** A check that did not pass, as its grade kept it for replays. */
export interface RecordedCheck {
  name: string
  status: string
  message?: string
  /** The session as the check found it. */
  start: CapturedState
  steps: RecordedStep[]
}

/** What a grade keeps when asked to (GradeOptions.keep): its session, and each check that did not pass. */
export interface GradeRecording {
  sessionId: string
  checks: RecordedCheck[]
}

/** "16 minutes", "1 h 30 min", "250 ms": a clock move in words. */
export function describeDuration(ms: number): string {
  if (ms < 1000) return `${ms} ms`
  if (ms < 60_000) return `${Math.round(ms / 100) / 10} s`
  const minutes = Math.round(ms / 6000) / 10
  if (minutes < 120) return `${minutes} ${minutes === 1 ? 'minute' : 'minutes'}`
  const hours = Math.round(minutes / 6) / 10
  return hours < 48 ? `${hours} hours` : `${Math.round(hours / 2.4) / 10} days`
}

export interface CurlTargets {
  /** The server's origin, e.g. http://localhost:3000 */
  origin: string
  /** The learner's session, whose kept grade this is. */
  learnerSessionId: string
}

/**
 * The replay with a curl line on each step and the shell lines that do it all again: first
 * put the kept session back where the check began (the clock too), then each request against
 * its live URL `/s/<grade session>/` and each clock move through its clock endpoint. A step
 * curl cannot do says why instead.
 */
export function withCurlLines(replay: CheckReplay, { origin, learnerSessionId }: CurlTargets): CheckReplay {
  const base = origin.replace(/\/$/, '')
  const json: [string, string][] = [['content-type', 'application/json']]
  const restore = curlCommand({
    method: 'POST',
    url: `${base}/api/sessions/${learnerSessionId}/grades/latest/checks/${encodeURIComponent(replay.check)}/restore`,
    headers: [],
  })
  const lines = [
    `# Put the kept grade back where this check began: its database, cache, and its clock at ${new Date(replay.startedAt).toISOString()}.`,
    restore,
  ]
  const steps = replay.steps.map((step): ReplayStep => {
    let curl: string | undefined
    let noCurl: string | undefined
    if (step.kind === 'request' && step.request) {
      const { method, path, headers, body } = step.request
      curl = curlCommand({ method, url: `${base}/s/${replay.gradeSessionId}${path}`, headers, body })
    } else if (step.kind === 'clock') {
      const ms = step.clockMs ?? 0
      curl = curlCommand({
        method: 'POST',
        url: `${base}/api/sessions/${replay.gradeSessionId}/clock/advance`,
        headers: json,
        body: JSON.stringify({ ms }),
      })
    } else if (step.kind === 'call') {
      noCurl = 'The check called a function your module exports, directly: there is no HTTP request for curl to send.'
    } else if (step.kind === 'tests') {
      noCurl = 'The check ran your own tests in a fresh session: curl cannot run tests.'
    } else if (step.kind === 'restart') {
      noCurl = 'The check started your app afresh on the server (the same code in a new isolate): curl cannot restart it.'
    }
    lines.push(`# ${step.description}${noCurl ? ` (not with curl: ${noCurl})` : ''}`)
    if (curl) lines.push(curl)
    return { ...step, ...(curl ? { curl } : {}), ...(noCurl ? { noCurl } : {}) }
  })
  return { ...replay, livePathUrl: `${base}/s/${replay.gradeSessionId}/`, steps, curl: lines }
}
