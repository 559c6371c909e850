/**
 * The budgets of one run in an isolate, their defaults, and what the learner reads when one is
 * spent: each message says which limit hit and what to look for in the code.
 */
import { ServerBusy, type LimitKind } from './errors.ts'

export interface SandboxLimits {
  /** CPU time of one run, host calls included. */
  cpuMs: number
  /** Heap of the isolate. isolated-vm's limit is approximate. */
  memoryMb: number
  /** Wall-clock time of one run, waiting on promises included. */
  wallMs: number
  /** Largest response body a run may return. */
  maxResponseBytes: number
  /** Most response headers a run may return, and their total bytes (names and values). */
  maxResponseHeaders: number
  maxResponseHeaderBytes: number
}

export const DEFAULT_LIMITS: SandboxLimits = {
  cpuMs: 1000,
  memoryMb: 64,
  wallMs: 3000,
  maxResponseBytes: 1024 * 1024,
  maxResponseHeaders: 100,
  maxResponseHeaderBytes: 64 * 1024,
}

/** The learner's words for each limit, with the numbers of the limits in force. */
export const LIMIT_MESSAGES: Record<LimitKind, (limits: SandboxLimits) => string> = {
  cpu: ({ cpuMs }) =>
    `Your code ran longer than ${cpuMs / 1000} s of CPU time: look for an infinite loop, or a loop that does far more work than needed.`,
  memory: ({ memoryMb }) => `Your code used more than ${memoryMb} MB of memory: look for an array or string that keeps growing.`,
  wall: ({ wallMs }) =>
    `Your handler did not answer within ${wallMs / 1000} s: look for a promise that never resolves, or a missing return of c.json(...) / c.text(...).`,
  output: ({ maxResponseBytes }) =>
    `Your response body is larger than ${Math.round(maxResponseBytes / 1024)} KB: send less data, for example one page of rows.`,
  busy: () => new ServerBusy().message,
}
