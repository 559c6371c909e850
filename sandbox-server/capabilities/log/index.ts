/**
 * The bounded log of one session: console output and structured log lines from the learner's
 * app. Bounded in lines and bytes so a log flood costs the learner, not the host: past the
 * bound lines are counted, not kept.
 */
import { Type, type Static } from '@sinclair/typebox'

export const LogLevel = Type.Union([Type.Literal('debug'), Type.Literal('info'), Type.Literal('log'), Type.Literal('warn'), Type.Literal('error')], {
  description: "the console method or log function that wrote the line ('log' for console.log)",
})
export type LogLevel = Static<typeof LogLevel>

/** One line of the app's log, as the API answers it and checks read it. */
export const LogEntry = Type.Object({
  level: LogLevel,
  message: Type.String({ description: 'the text, cut with a note past the per-line limit' }),
  fields: Type.Optional(
    Type.Record(Type.String(), Type.Unknown(), { description: 'structured fields from `log.info(message, fields)`, when given' }),
  ),
  time: Type.Number({ description: 'session-clock time of the line, in ms since the epoch' }),
})
export type LogEntry = Static<typeof LogEntry>

export interface LogBuffer {
  /** Appends a line; returns false once the buffer is full (the line is only counted). */
  write(entry: LogEntry): boolean
  /** Returns the kept lines and how many were dropped, and empties the buffer. */
  drain(): { entries: LogEntry[]; dropped: number }
  readonly full: boolean
}

export interface LogBufferOptions {
  maxEntries?: number
  maxBytes?: number
  /** Longest single message kept; longer ones are cut with a note. */
  maxMessageLength?: number
  /** Called after each line kept (the session's activity feed sends lines written outside a request). */
  onWrite?: () => void
}

export function createLogBuffer({ maxEntries = 200, maxBytes = 64 * 1024, maxMessageLength = 4096, onWrite }: LogBufferOptions = {}): LogBuffer {
  let entries: LogEntry[] = []
  let bytes = 0
  let dropped = 0
  return {
    write(entry) {
      if (entries.length >= maxEntries || bytes >= maxBytes) {
        dropped++
        return false
      }
      const message =
        entry.message.length > maxMessageLength
          ? `${entry.message.slice(0, maxMessageLength)}… (${entry.message.length - maxMessageLength} more characters)`
          : entry.message
      // Fields count like the message: past the same length they are replaced by a note.
      const fieldsText = entry.fields === undefined ? '' : (JSON.stringify(entry.fields) ?? '')
      const fields =
        fieldsText.length > maxMessageLength
          ? { truncated: `these fields were ${fieldsText.length} characters as JSON; a log line keeps at most ${maxMessageLength}` }
          : entry.fields
      const size = message.length + Math.min(fieldsText.length, maxMessageLength)
      if (bytes + size > maxBytes) {
        dropped++
        bytes = maxBytes
        return false
      }
      bytes += size
      entries.push(fields === undefined ? { ...entry, message } : { ...entry, message, fields })
      onWrite?.()
      return true
    },
    drain() {
      const result = { entries, dropped }
      entries = []
      bytes = 0
      dropped = 0
      return result
    },
    get full() {
      return entries.length >= maxEntries || bytes >= maxBytes
    },
  }
}
