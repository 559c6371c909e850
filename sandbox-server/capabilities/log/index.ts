/**
 * The bounded log of one session: console output and structured log lines from the learner's
 * app. Bounded in lines and bytes so a log flood costs the learner, not the host: past the
 * bound lines are counted, not kept.
 */
export type LogLevel = 'debug' | 'info' | 'log' | 'warn' | 'error'

export interface LogEntry {
  level: LogLevel
  message: string
  /** Structured fields from `log.info(message, fields)`, when given. */
  fields?: Record<string, unknown>
  /** Session-clock time of the line, in ms since the epoch. */
  time: number
}

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
}

export function createLogBuffer({ maxEntries = 200, maxBytes = 64 * 1024, maxMessageLength = 4096 }: LogBufferOptions = {}): LogBuffer {
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
      bytes += message.length + (entry.fields ? JSON.stringify(entry.fields).length : 0)
      entries.push({ ...entry, message })
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
