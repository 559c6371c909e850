/**
 * Inside the isolate: splitting, matching or replacing in a string of 2^26 characters or more is
 * refused with a RangeError. V8 builds such a result in C++ and, past its largest array (about
 * 2^27 elements), ends the whole process with a fatal error instead of throwing: one
 * `'x'.repeat(2 ** 27).split('')` in a timer killed a worker and every session in it (the fifth
 * attack round). A string that long is over the 64 MB memory limit once made flat, so no app that
 * works within the limits ever meets the refusal; one under it cannot make more than 2^26 pieces.
 *
 * Imported by entry.ts before any learner code. The wrappers keep each method's name, length and
 * property attributes; `RegExp.prototype[Symbol.split]` and friends are wrapped too, since
 * `/x/[Symbol.split](text)` reaches the same C++ without String.prototype.
 */

/** The longest string these methods take: no result from a shorter one can reach V8's array limit. */
export const MAX_SCANNED_LENGTH = 2 ** 26

const { apply } = Reflect
const { defineProperty, getOwnPropertyDescriptor } = Object

function refuseLong(text: unknown, method: string): void {
  if (typeof text === 'string' && text.length >= MAX_SCANNED_LENGTH) {
    throw new RangeError(
      `${method} refused: the string has ${text.length} characters, and the sandbox splits, matches and replaces in strings of fewer than ${MAX_SCANNED_LENGTH} (its memory limit is far smaller than such a result): look for a string that keeps growing.`,
    )
  }
}

/**
 * Replaces `target[key]` with a method that makes its string once (as the method would first
 * thing: ToString of `this` or of the first argument), checks it, and hands it on.
 */
function guard(target: object, key: string | symbol, label: string, textIs: 'this' | 'first argument'): void {
  const descriptor = getOwnPropertyDescriptor(target, key)
  const original = descriptor?.value as ((...args: unknown[]) => unknown) | undefined
  if (typeof original !== 'function') return
  const name = typeof key === 'symbol' ? `[${key.description}]` : key
  const wrapped = {
    [name](this: unknown) {
      // Strict, so that a null or undefined `this` stays one (the bundle is not strict mode).
      'use strict'
      if (textIs === 'this') {
        // null and undefined: the method's own TypeError.
        if (this === null || this === undefined) return apply(original, this, arguments)
        const text = typeof this === 'string' ? this : String(this)
        refuseLong(text, label)
        return apply(original, text, arguments)
      }
      const args = Array.from(arguments) as unknown[]
      args[0] = String(args[0])
      refuseLong(args[0], label)
      return apply(original, this, args)
    },
  }[name]!
  defineProperty(wrapped, 'length', { value: original.length })
  defineProperty(target, key, { ...descriptor, value: wrapped })
}

for (const method of ['split', 'match', 'matchAll', 'replace', 'replaceAll'] as const) {
  guard(String.prototype, method, `String.prototype.${method}`, 'this')
}
for (const symbol of [Symbol.split, Symbol.match, Symbol.matchAll, Symbol.replace] as const) {
  guard(RegExp.prototype, symbol, `RegExp.prototype[${symbol.description}]`, 'first argument')
}
