/**
 * Inside the isolate: the one door to the host. Every capability call goes through `callHost`,
 * which sends its arguments as one measured JSON text (wire.ts) and copies its result in
 * (host-built plain data, via ExternalCopy), and turns a host error into an Error of the same
 * name here. The door itself is
 * captured once from a global that is deleted before learner code runs.
 *
 * Learner code runs in this same realm and may change any built-in afterwards (pollute
 * `Object.prototype.timeout`, replace `Reflect.apply`...). So nothing here reads through a
 * prototype chain at call time: the built-ins are captured when the prelude starts (as Node's
 * primordials are), the options handed to isolated-vm have no prototype and are frozen, and a
 * reply is read only through its own properties.
 */
import { encodeForHost } from '../platform/wire.ts'

export interface HostDoor {
  applySyncPromise(receiver: undefined, args: unknown[], options: object): HostReply
}

/** The most one capability call may hand the host, counted as written out (see wire.ts). */
export const MAX_CALL_BYTES = 2 * 1024 * 1024
export type HostReply = { ok: unknown } | { err: { name: string; message: string } }

const { hasOwn, freeze, setPrototypeOf, defineProperty } = Object
const { apply } = Reflect
const StringOf = String

/** A frozen object with no prototype: a learner's `Object.prototype.x` cannot show through it. */
export function sealed<T extends object>(value: T): Readonly<T> {
  return freeze(setPrototypeOf(value, null))
}

const door = (globalThis as { __sandboxDoor?: HostDoor }).__sandboxDoor!
delete (globalThis as { __sandboxDoor?: HostDoor }).__sandboxDoor
const applySyncPromise = door.applySyncPromise

// isolated-vm reads `timeout`, `arguments`, `result`... from this object; none may be inherited.
const OPTIONS = sealed({ arguments: sealed({ copy: true }) })

/** Errors from the host keep their name (SqlError, CryptoError...) so learners can tell them apart. */
class HostError extends Error {}

/** An own property of a copied reply, or undefined: never a value inherited from a prototype. */
function own(object: unknown, key: string): unknown {
  return typeof object === 'object' && object !== null && hasOwn(object, key) ? (object as Record<string, unknown>)[key] : undefined
}

export function callHost(capability: string, method: string, args: unknown[]): unknown {
  // Arguments cross as one measured JSON text (wire.ts): never as a graph the host must walk.
  const { text, bytes } = encodeForHost(args, MAX_CALL_BYTES, `the data passed to ${capability}.${method}`)
  const reply = apply(applySyncPromise, door, [undefined, [capability, method, text, bytes], OPTIONS]) as HostReply
  if (hasOwn(reply, 'ok')) return own(reply, 'ok')
  const err = own(reply, 'err')
  const error = new HostError(StringOf(own(err, 'message') ?? 'The sandbox could not answer this call'))
  defineProperty(error, 'name', { value: StringOf(own(err, 'name') ?? 'Error'), writable: true, configurable: true })
  throw error
}
