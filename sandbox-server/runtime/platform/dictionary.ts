/**
 * Web IDL's rule for an options dictionary such as ResponseInit or RequestInit: undefined and
 * null mean "no options", an object is read, and anything else is a TypeError, as Node and
 * browsers throw (`new Response(null, 'oops')` must not quietly answer 200).
 */

/**
 * The dictionary `value`, or an empty one when it is undefined or null.
 *
 * @example
 * const options = initDictionary<ResponseInit>(init, 'Response constructor')
 */
export function initDictionary<T extends object>(value: unknown, where: string): Partial<T> {
  if (value === undefined || value === null) return {}
  if (typeof value !== 'object' && typeof value !== 'function') {
    throw new TypeError(`${where}: Expected ${String(value)} to be one of: Null, Undefined, Object.`)
  }
  return value as Partial<T>
}
