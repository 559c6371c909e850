/**
 * Inside the isolate: the one door to the host. Every capability call goes through `callHost`,
 * which copies its arguments out and its result in (plain data only, via ExternalCopy on the host), and turns a host error
 * into an Error of the same name here. The door itself is captured once from a global that is
 * deleted before learner code runs.
 */
export interface HostDoor {
  applySyncPromise(receiver: undefined, args: unknown[], options: object): HostReply
}
export type HostReply = { ok: unknown } | { err: { name: string; message: string } }

const door = (globalThis as { __sandboxDoor?: HostDoor }).__sandboxDoor!
delete (globalThis as { __sandboxDoor?: HostDoor }).__sandboxDoor

const COPY = { arguments: { copy: true } }

/** Errors from the host keep their name (SqlError, CryptoError...) so learners can tell them apart. */
class HostError extends Error {}

export function callHost(capability: string, method: string, args: unknown[]): unknown {
  const reply = door.applySyncPromise(undefined, [capability, method, args], COPY)
  if ('err' in reply) {
    const error = new HostError(reply.err.message)
    error.name = reply.err.name
    throw error
  }
  return reply.ok
}
