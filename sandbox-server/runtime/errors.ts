/**
 * The ways a learner's code can fail in the runtime, one class each, so the HTTP layer and the
 * checks can map them to one JSON error shape. Messages are written for the learner and never
 * carry host paths or host stack traces.
 */

/** One problem esbuild found in the learner's code, with a 1-based line and column. */
export interface Diagnostic {
  message: string
  line: number
  column: number
  /** The source line, for showing under the message. */
  lineText?: string
}

export class CompileError extends Error {
  override name = 'CompileError'
  constructor(readonly diagnostics: Diagnostic[]) {
    super(
      diagnostics.length === 1
        ? `Your code does not compile: ${formatDiagnostic(diagnostics[0]!)}`
        : `Your code does not compile (${diagnostics.length} problems); first: ${formatDiagnostic(diagnostics[0]!)}`,
    )
  }
}

function formatDiagnostic({ message, line, column }: Diagnostic) {
  return `line ${line}, column ${column}: ${message}`
}

/** The learner's module loaded but did not give us an app, or threw while loading. */
export class LearnerModuleError extends Error {
  override name = 'LearnerModuleError'
}

export type LimitKind = 'cpu' | 'memory' | 'wall' | 'output'

/** A run spent one of its budgets; the isolate was stopped and is rebuilt on the next request. */
export class LimitExceeded extends Error {
  override name = 'LimitExceeded'
  constructor(
    readonly limit: LimitKind,
    message: string,
  ) {
    super(message)
  }
}
