/**
 * Makes the isolate's stack traces read like the learner's own file: `app.js:29:22` (compiled
 * code) becomes `app.ts:6:22` (or `app.test.ts:4:5` in a test-writing exercise), and frames inside the sandbox's prelude (Hono, the platform)
 * are dropped, since the learner cannot act on them.
 */
import { TraceMap, originalPositionFor } from '@jridgewell/trace-mapping'
import { LEARNER_FILENAME } from './compile.ts'

const COMPILED_POSITION = /\bapp\.js:(\d+):(\d+)/g
// `[ \t]`, not `\s`: `\s` also matches newlines, which made this quadratic on a message of many.
const PRELUDE_FRAME = /^[ \t]*at [^\n]*sandbox:prelude[^\n]*\n?/gm
/** Longest text mapped; a learner's error message could otherwise be made as large as memory. */
const MAX_MAPPED_TEXT = 16 * 1024

/**
 * The names the learner wrote, not the bundler's: esbuild turns `cache.remove(...)` into
 * `import_sandbox.cache.remove(...)`, and that is how V8 words the TypeError.
 */
export function learnerNames<T>(text: T): T {
  return (typeof text === 'string' ? text.replace(/\(0, import_[\w$]+\.([\w$]+)\)/g, '$1').replace(/\bimport_[\w$]+\./g, '') : text) as T
}

export interface StackMapper {
  (text: string): string
}

/**
 * @example
 * const mapStack = createStackMapper(compiled.map)
 * mapStack('TypeError: x\n    at app.js:29:22') // 'TypeError: x\n    at app.ts:6:22'
 */
export function createStackMapper(sourceMap: string): StackMapper {
  let map: TraceMap | undefined
  return (raw) => {
    const text = learnerNames(
      raw.length > MAX_MAPPED_TEXT ? `${raw.slice(0, MAX_MAPPED_TEXT)}… (${raw.length - MAX_MAPPED_TEXT} more characters)` : raw,
    )
    if (!text.includes('app.js:') && !text.includes('sandbox:prelude')) return text
    map ??= new TraceMap(sourceMap)
    return text
      .replace(COMPILED_POSITION, (whole, line: string, column: string) => {
        const original = originalPositionFor(map!, { line: Number(line), column: Number(column) - 1 })
        if (original.line === null) return whole
        // Sources are "app.ts", or "exercise:app.test.ts" and "exercise:app.ts" in a test-writing exercise.
        const file = original.source?.split(':').pop() || LEARNER_FILENAME
        return `${file}:${original.line}:${original.column + 1}`
      })
      .replace(PRELUDE_FRAME, '')
      .trimEnd()
  }
}
