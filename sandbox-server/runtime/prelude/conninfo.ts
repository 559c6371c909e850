/**
 * Inside the isolate: `@hono/node-server/conninfo` for learner code, so `getConnInfo` and
 * hono/ip-restriction work as on Node. The address is the caller's, as the host saw it on the
 * socket (or as the API's request console set it), handed in with each request: never a
 * socket or any other host object.
 */
import type { ConnInfo } from 'hono/conninfo'

const connections = new WeakMap<Request, ConnInfo>()
const weakMapGet = WeakMap.prototype.get
const weakMapSet = WeakMap.prototype.set
const { apply } = Reflect

/** The caller of one request, as the host describes it. */
export interface PlainRemote {
  address?: string
  port?: number
  family?: string
}

/** Called by the runtime for each request it hands the app. */
export function rememberConnection(request: Request, remote: PlainRemote | undefined): void {
  const info: ConnInfo = {
    remote: {
      address: remote?.address,
      port: remote?.port,
      addressType: remote?.family === 'IPv4' ? 'IPv4' : remote?.family === 'IPv6' ? 'IPv6' : undefined,
    },
  }
  apply(weakMapSet, connections, [request, info])
}

/**
 * Who sent the request: `remote.address`, `remote.port` and `remote.addressType`, as
 * @hono/node-server's getConnInfo answers them.
 *
 * @example
 * import { getConnInfo } from '@hono/node-server/conninfo'
 * app.get('/', (c) => c.text(`Your address is ${getConnInfo(c).remote.address}`))
 */
export function getConnInfo(c: { req: { raw: Request } }): ConnInfo {
  return (apply(weakMapGet, connections, [c.req.raw]) as ConnInfo | undefined) ?? { remote: {} }
}
