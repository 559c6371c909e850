/**
 * AbortController and AbortSignal for the isolate, on event-target-shim's Event and EventTarget:
 * `abort(reason)`, `aborted`, `reason`, `throwIfAborted()`, `onabort`, and the static
 * `AbortSignal.abort`, `AbortSignal.timeout` and `AbortSignal.any`.
 *
 * `timeout` uses the isolate's setTimeout, so it is driven by the host's sleep like any timer.
 * Nothing here may keep a signal alive after it aborted: dependents are dropped on abort.
 */
import { Event, EventTarget, defineEventAttribute } from 'event-target-shim'
import { setTimeout } from './timers.ts'

// Signals made by AbortController or the statics; the public constructor throws.
let constructing = false
const state = new WeakMap<AbortSignal, { aborted: boolean; reason: unknown; dependents: Set<AbortSignal> }>()

function stateOf(signal: AbortSignal) {
  const found = state.get(signal)
  if (!found) throw new TypeError('Illegal invocation')
  return found
}

function createSignal(): AbortSignal {
  constructing = true
  try {
    return new AbortSignal()
  } finally {
    constructing = false
  }
}

function signalAbort(signal: AbortSignal, reason: unknown): void {
  const own = stateOf(signal)
  if (own.aborted) return
  own.aborted = true
  own.reason = reason === undefined ? new DOMException('This operation was aborted', 'AbortError') : reason
  const dependents = [...own.dependents]
  own.dependents.clear()
  signal.dispatchEvent(new Event('abort'))
  for (const dependent of dependents) signalAbort(dependent, own.reason)
}

export class AbortSignal extends EventTarget {
  constructor() {
    if (!constructing) throw new TypeError('Illegal constructor')
    super()
    state.set(this, { aborted: false, reason: undefined, dependents: new Set() })
  }

  get aborted(): boolean {
    return stateOf(this).aborted
  }

  get reason(): unknown {
    return stateOf(this).reason
  }

  throwIfAborted(): void {
    const own = stateOf(this)
    if (own.aborted) throw own.reason
  }

  static abort(reason?: unknown): AbortSignal {
    const signal = createSignal()
    signalAbort(signal, reason)
    return signal
  }

  static timeout(milliseconds: number): AbortSignal {
    const signal = createSignal()
    setTimeout(() => signalAbort(signal, new DOMException('The operation was aborted due to timeout', 'TimeoutError')), milliseconds)
    return signal
  }

  static any(signals: Iterable<AbortSignal>): AbortSignal {
    const combined = createSignal()
    const sources = [...signals]
    const alreadyAborted = sources.find((source) => source.aborted)
    if (alreadyAborted) {
      signalAbort(combined, alreadyAborted.reason)
      return combined
    }
    for (const source of sources) stateOf(source).dependents.add(combined)
    return combined
  }

  get [Symbol.toStringTag](): string {
    return 'AbortSignal'
  }
}
defineEventAttribute(AbortSignal.prototype, 'abort')

export class AbortController {
  readonly #signal = createSignal()

  get signal(): AbortSignal {
    return this.#signal
  }

  abort(reason?: unknown): void {
    signalAbort(this.#signal, reason)
  }

  get [Symbol.toStringTag](): string {
    return 'AbortController'
  }
}
