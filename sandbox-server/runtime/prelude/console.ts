/**
 * Inside the isolate: `console`, formatted here and written to the session's bounded log on
 * the host. Once the host says the log is full, further lines are only counted here, so a log
 * flood does not cost a door crossing per line.
 */
import { callHost } from './door.ts'

function formatValue(value: unknown, depth = 0): string {
  if (typeof value === 'string') return depth === 0 ? value : JSON.stringify(value)
  if (value instanceof Error) return value.stack ?? `${value.name}: ${value.message}`
  if (typeof value === 'function') return `[Function ${value.name || 'anonymous'}]`
  if (typeof value === 'bigint') return `${value}n`
  if (typeof value === 'symbol' || value === undefined) return String(value)
  if (value instanceof Map) return `Map(${value.size}) ${formatValue(Object.fromEntries(value), depth + 1)}`
  if (value instanceof Set) return `Set(${value.size}) ${formatValue([...value], depth + 1)}`
  try {
    const seen = new WeakSet<object>()
    return (
      JSON.stringify(value, (_key, inner) => {
        if (typeof inner === 'bigint') return `${inner}n`
        if (typeof inner === 'object' && inner !== null) {
          if (seen.has(inner)) return '[Circular]'
          seen.add(inner)
        }
        return inner
      }) ?? String(value)
    )
  } catch {
    return String(value)
  }
}

export function format(args: unknown[]): string {
  return args.map((arg) => formatValue(arg)).join(' ')
}

let full = false
let dropped = 0
function writer(level: string) {
  return (...args: unknown[]) => {
    if (full) {
      dropped++
      return
    }
    const line = format(args)
    // The host keeps 4 KB of a line and notes the rest; more need not cross.
    full = callHost('log', 'write', [level, line.length > 65536 ? line.slice(0, 65536) : line]) === false
  }
}

/** The host empties the log after each request; the next request may write again. */
export function reopenConsole() {
  full = false
  dropped = 0
}

/** Lines dropped here, without asking the host, since the log filled up. */
export function droppedLines(): number {
  return dropped
}

export const sandboxConsole = {
  log: writer('log'),
  info: writer('info'),
  debug: writer('debug'),
  warn: writer('warn'),
  error: writer('error'),
  trace: writer('debug'),
  dir: writer('log'),
  table: writer('log'),
  assert: (condition: unknown, ...args: unknown[]) => {
    if (!condition) writer('error')('Assertion failed', ...args)
  },
  time: () => {},
  timeEnd: () => {},
  group: () => {},
  groupEnd: () => {},
}
