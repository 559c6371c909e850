/**
 * What a session's app did, as the workspace's request inspector shows it: each request it
 * answered (from its live URL, the request console or a check) with a capped preview of both
 * bodies and its log lines, and the log lines written outside any request (a timer after its
 * response, loading the code). Built where the app runs (a worker process, or this one) only
 * while someone watches the session (see ./feed.ts), and small by construction: every field is
 * capped here, before it crosses a process, and a session may cause only so many a second.
 * Nothing here may keep a reference to the learner's bytes: previews are copies.
 */
import type { LogEntry } from '../capabilities/log/index.ts'

/** Bytes of each body kept for the preview. */
export const BODY_PREVIEW_BYTES = 2048
/** Headers of a request or response kept, and characters of each value. */
const MAX_HEADERS = 40
const MAX_HEADER_VALUE = 256
/** Log lines one event carries (the session's log buffer holds at most 200 anyway), characters of each. */
const MAX_LOG_LINES = 50
const MAX_LOG_MESSAGE = 1000

/** A body as the inspector shows it: the start of its text, or a note that it is binary. */
export interface BodyPreview {
  /** The first BODY_PREVIEW_BYTES bytes as UTF-8 text; empty for binary data. */
  text: string
  /** The body's whole size in bytes. */
  bytes: number
  /** Whether `text` is only the start of it. */
  truncated: boolean
  /** Bytes that are not text (a NUL among them): shown as a size only. */
  binary: boolean
}

interface ActivityBase {
  /** Wall-clock time it happened, ms since the epoch. */
  at: number
  /** Events this session caused that were not recorded just before this one (more than the rate allows). */
  skipped?: number
}

/** One request the app answered, or failed to answer. */
export interface RequestActivity extends ActivityBase {
  kind: 'request'
  /** Who sent it: the live URL (curl, a browser), the workspace's request console, or a check. */
  via: 'live' | 'console' | 'check' | 'other'
  method: string
  /** Path and query. */
  path: string
  requestHeaders: [string, string][]
  requestBody: BodyPreview
  /** The app's status; absent when it failed (see `error`). */
  status?: number
  responseHeaders: [string, string][]
  responseBody: BodyPreview
  /** Why no response came: a limit hit, an uncaught error, a busy server. */
  error?: string
  durationMs: number
  logs: LogEntry[]
  droppedLogs: number
}

/** Log lines written outside any request: by a timer or promise after its response, or while the code loaded. */
export interface LogActivity extends ActivityBase {
  kind: 'logs'
  source: 'background' | 'load'
  logs: LogEntry[]
  droppedLogs: number
  /** Loading the code failed with this message (source 'load' only). */
  error?: string
}

export type Activity = RequestActivity | LogActivity

const utf8 = new TextDecoder('utf-8')

/** The start of a body, copied. */
export function previewBody(body: Uint8Array | null | undefined): BodyPreview {
  if (!body || body.byteLength === 0) return { text: '', bytes: 0, truncated: false, binary: false }
  const start = body.subarray(0, BODY_PREVIEW_BYTES)
  const binary = start.includes(0)
  return { text: binary ? '' : utf8.decode(start), bytes: body.byteLength, truncated: body.byteLength > start.byteLength, binary }
}

function cut(text: string, length: number): string {
  return text.length > length ? `${text.slice(0, length)}… (${text.length - length} more characters)` : text
}

function capHeaders(headers: readonly (readonly [string, string])[] | undefined): [string, string][] {
  return (headers ?? []).slice(0, MAX_HEADERS).map(([name, value]) => [cut(name, MAX_HEADER_VALUE), cut(value, MAX_HEADER_VALUE)])
}

/** Log lines capped in number and length; the lines left out count as dropped. */
export function capLogs(logs: LogEntry[], dropped: number): { logs: LogEntry[]; droppedLogs: number } {
  const kept = logs.slice(0, MAX_LOG_LINES).map((entry) => {
    const message = cut(entry.message, MAX_LOG_MESSAGE)
    const fields = entry.fields === undefined ? undefined : cut(JSON.stringify(entry.fields) ?? '', MAX_LOG_MESSAGE)
    return { level: entry.level, message: fields === undefined ? message : `${message} ${fields}`, time: entry.time }
  })
  return { logs: kept, droppedLogs: dropped + logs.length - kept.length }
}

export interface RequestRecord {
  via?: RequestActivity['via']
  method: string
  path: string
  headers?: [string, string][]
  body?: Uint8Array | null
  durationMs: number
  response?: { status: number; headers: [string, string][]; body: Uint8Array | null; logs: LogEntry[]; droppedLogs: number }
  /** The error the request ended with, and the log lines it carried. */
  error?: { message: string; logs?: LogEntry[] }
}

/**
 * The event for one request, every field capped.
 *
 * @example
 * const event = requestActivity({ method: 'GET', path: '/', durationMs: 1.2, response })
 */
export function requestActivity({ via = 'other', method, path, headers, body, durationMs, response, error }: RequestRecord): RequestActivity {
  return {
    kind: 'request',
    at: Date.now(),
    via,
    method,
    path: cut(path, 2048),
    requestHeaders: capHeaders(headers),
    requestBody: previewBody(body),
    ...(response ? { status: response.status } : {}),
    responseHeaders: capHeaders(response?.headers),
    responseBody: previewBody(response?.body),
    ...(error ? { error: cut(error.message, MAX_LOG_MESSAGE) } : {}),
    durationMs: Math.round(durationMs * 100) / 100,
    ...capLogs(response?.logs ?? error?.logs ?? [], response?.droppedLogs ?? 0),
  }
}

export interface ActivityRateOptions {
  /** Events a session may cause at once. Default 50. */
  burst?: number
  /** Events a second a session may cause over time. Default 20. */
  perSecond?: number
}

/**
 * A session's allowance of events: a bucket of `burst` refilled at `perSecond`. `take` says
 * whether an event may go, and how many were refused since the last that went.
 */
export function createActivityRate({ burst = 50, perSecond = 20 }: ActivityRateOptions = {}) {
  let tokens = burst
  let refilledAt = performance.now()
  let refused = 0
  return {
    take(): { ok: true; skipped: number } | { ok: false } {
      const now = performance.now()
      tokens = Math.min(burst, tokens + ((now - refilledAt) / 1000) * perSecond)
      refilledAt = now
      if (tokens < 1) {
        refused++
        return { ok: false }
      }
      tokens--
      const skipped = refused
      refused = 0
      return { ok: true, skipped }
    },
  }
}
