/**
 * Inside the isolate: a memory budget for Intl. A formatter, collator or segmenter holds an ICU
 * object outside V8's heap, and `Intl.Segmenter.prototype.segment` copies its whole input
 * there: the isolate's memory limit never sees that memory, and since V8 does not count it,
 * nothing collects the objects that hold it either (an attack held 1.4 GB in one worker with
 * forty segmentations of a 20-million-character string). Here each such object is charged an
 * estimate of its native memory while it lives (a FinalizationRegistry gives the charge back
 * once it is collected); past the budget, making one more throws a RangeError, as the platform
 * refuses an ArrayBuffer past the limit.
 *
 * Imported by entry.ts before any learner code, which then sees only the wrapped constructors.
 */

/** Native memory the isolate's live Intl objects may hold: the isolate's own heap limit. */
export const INTL_BUDGET_BYTES = 64 * 1024 * 1024
/** What one formatter, collator or other Intl object is charged (ICU's measured ~26 KB, rounded down). */
const OBJECT_BYTES = 16 * 1024

const { construct, apply } = Reflect
const { defineProperty, getOwnPropertyDescriptor } = Object
const KeptWeakRef = WeakRef
const { deref } = WeakRef.prototype

/**
 * V8's garbage collection, which the sandbox exposes (runtime/isolated-vm.ts) for this file
 * alone: taken here, before any learner code runs, and overwritten on the global object (V8
 * makes the property writable but not deletable).
 */
const collectGarbage = (globalThis as { gc?: () => void }).gc
;(globalThis as { gc?: unknown }).gc = undefined

/** One charge: given back once, by whichever sees its object collected first. */
interface Charge {
  bytes: number
  object: WeakRef<object>
}
let held = 0
let charges: Charge[] = []
/** The most charges the budget lets live at once (each is at least OBJECT_BYTES). */
const MAX_LIVE_CHARGES = INTL_BUDGET_BYTES / OBJECT_BYTES
const refund = (charge: Charge) => {
  held -= charge.bytes
  charge.bytes = 0
}
const released = new FinalizationRegistry<Charge>(refund)

/**
 * Gives back what collected objects were charged, collecting first. The registry's refunds come
 * in a later task, so code that made thousands of formatters and let them go was refused with
 * none of them alive (the fifth attack round). Only an object seen collected is refunded: code
 * that tampers with what this uses can only keep its own charges.
 */
function refundCollected(): void {
  if (!collectGarbage) return
  collectGarbage()
  keepLiveCharges()
}

/**
 * Keeps in `charges` only what is still charged, refunding what is seen collected. Also run as
 * the list passes twice what the budget can hold alive, so that refunds by the registry (which
 * leave their entries) do not grow it in an app that never reaches the budget.
 */
function keepLiveCharges(): void {
  const alive: Charge[] = []
  for (let i = 0; i < charges.length; i++) {
    const charge = charges[i]!
    if (apply(deref, charge.object, []) === undefined) refund(charge)
    else if (charge.bytes > 0) alive[alive.length] = charge
  }
  charges = alive
}

/** Makes an Intl object charged `bytes` while it lives, refusing before ICU allocates anything. */
function charged<T extends object>(bytes: number, make: () => T): T {
  if (held + bytes > INTL_BUDGET_BYTES) refundCollected()
  if (held + bytes > INTL_BUDGET_BYTES) {
    throw new RangeError(
      `Your code holds more than ${INTL_BUDGET_BYTES / 1024 / 1024} MB in Intl objects (formatters, segmenters): make one formatter and reuse it rather than one per item, and segment shorter strings.`,
    )
  }
  const made = make()
  held += bytes
  const charge: Charge = { bytes, object: new KeptWeakRef(made) }
  charges[charges.length] = charge
  if (charges.length > MAX_LIVE_CHARGES * 2) keepLiveCharges()
  released.register(made, charge)
  return made
}

const INTL_CONSTRUCTORS = [
  'Collator',
  'DateTimeFormat',
  'DisplayNames',
  'DurationFormat',
  'ListFormat',
  'Locale',
  'NumberFormat',
  'PluralRules',
  'RelativeTimeFormat',
  'Segmenter',
] as const

const intl = Intl as unknown as Record<string, unknown>
// V8's own, non-standard Intl.v8BreakIterator copies the whole text of adoptText() into ICU
// like a segmentation, but it is neither standard nor charged (an attack held 1.7 GB in one
// worker, 30 MB an iterator): Intl.Segmenter does the same work, so it is removed.
Reflect.deleteProperty(Intl, 'v8BreakIterator')
for (const name of INTL_CONSTRUCTORS) {
  const original = intl[name] as (new (...args: unknown[]) => object) | undefined
  if (typeof original !== 'function') continue
  // A Proxy keeps everything else of the constructor: its prototype, `instanceof`, static
  // methods such as supportedLocalesOf, subclassing, and calling it without `new`.
  const wrapped = new Proxy(original, {
    construct: (target, args, newTarget) => charged(OBJECT_BYTES, () => construct(target, args, newTarget) as object),
    apply: (target, self, args) => charged(OBJECT_BYTES, () => apply(target as unknown as (...args: unknown[]) => object, self, args)),
  })
  defineProperty(original.prototype, 'constructor', { ...getOwnPropertyDescriptor(original.prototype, 'constructor'), value: wrapped })
  defineProperty(Intl, name, { ...getOwnPropertyDescriptor(Intl, name), value: wrapped })
}

// Segments hold a UTF-16 copy of their input, two bytes a character; so does each iterator over
// them (for..of, spread, segments[Symbol.iterator]()), which ICU gives a copy of its own.
const segmenterPrototype = (Intl as { Segmenter?: { prototype: { segment(input: unknown): object } } }).Segmenter?.prototype
if (segmenterPrototype) {
  const segment = segmenterPrototype.segment
  const { getPrototypeOf } = Object
  /** Each Segments object's input length: only the wrapped segment() below makes them. */
  const lengths = new WeakMap<object, number>()
  const { get: weakMapGet, set: weakMapSet } = WeakMap.prototype
  /** Charges each iterator; done on the first segment(), before any Segments object exists (no prelude cost). */
  let iteratorCharged = false
  const chargeIterators = (segments: object) => {
    iteratorCharged = true
    const segmentsPrototype = getPrototypeOf(segments) as Record<symbol, () => object>
    const iterate = segmentsPrototype[Symbol.iterator]!
    defineProperty(segmentsPrototype, Symbol.iterator, {
      ...getOwnPropertyDescriptor(segmentsPrototype, Symbol.iterator),
      value: {
        [Symbol.iterator](this: object) {
          const length = (apply(weakMapGet, lengths, [this]) as number | undefined) ?? 0
          return charged(OBJECT_BYTES + length * 2, () => apply(iterate, this, []) as object)
        },
      }[Symbol.iterator],
    })
  }
  defineProperty(segmenterPrototype, 'segment', {
    ...getOwnPropertyDescriptor(segmenterPrototype, 'segment'),
    value: {
      segment(this: unknown, input: unknown) {
        const text = String(input)
        const made = charged(OBJECT_BYTES + text.length * 2, () => apply(segment, this, [text]) as object)
        if (!iteratorCharged) chargeIterators(made)
        apply(weakMapSet, lengths, [made, text.length])
        return made
      },
    }.segment,
  })
}
