/**
 * The ways a learner's code can fail in the runtime, one class each, so the HTTP layer and the
 * checks can map them to one JSON error shape. Messages are written for the learner and never
 * carry host paths or host stack traces.
 *
 * The one rule at the door: an error that extends `LearnerFacingError` is shown to the learner
 * as it stands (inside the isolate with its name, in the API with its message); any other error
 * is internal, logged on the host with an id, and reaches the learner only as "internal error".
 */
import type { LogEntry } from '../capabilities/log/index.ts'

/** An error whose name and message are written for the learner and may be shown as they stand. */
export class LearnerFacingError extends Error {}

/** A capability was called with an argument it cannot take (a negative TTL, a bad key...). */
export class InvalidArgument extends LearnerFacingError {
  override name = 'RangeError'
}

/** A capability refused work past one of its budgets (too many bytes, too costly a hash...). */
export class CapabilityLimit extends LearnerFacingError {
  override name = 'LimitError'
}

/** One problem esbuild found in the learner's code, with a 1-based line and column. */
export interface Diagnostic {
  message: string
  line: number
  column: number
  /** The source line, for showing under the message. */
  lineText?: string
}

export class CompileError extends LearnerFacingError {
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
export class LearnerModuleError extends LearnerFacingError {
  override name = 'LearnerModuleError'
}

export type LimitKind = 'cpu' | 'memory' | 'wall' | 'output' | 'busy'

/** A run spent one of its budgets; the isolate was stopped and is rebuilt on the next request. */
export class LimitExceeded extends LearnerFacingError {
  override name = 'LimitExceeded'
  /** What the run logged before it was stopped (its session fills this in; the API shows them). */
  logs: LogEntry[] = []
  constructor(
    readonly limit: LimitKind,
    message: string,
  ) {
    super(message)
  }
}

/**
 * The run was stopped because the machine, not the learner's code, was too slow: the isolate
 * held a core for most of the wall-clock budget without getting the CPU it claimed. The API
 * answers 503 with Retry-After; a grade does not count it against the code.
 */
export class ServerBusy extends LimitExceeded {
  override name = 'ServerBusy'
  /** Seconds to wait before trying again. */
  readonly retryAfterSeconds = 2
  constructor() {
    super(
      'busy',
      'The sandbox server is busy right now, so your code could not finish in time: this is not a bug in your code. Try again in a moment.',
    )
  }
}
