/**
 * Test-only: the platform conformance suite's stand-in for the isolate's edge, run inside its
 * isolates (conformance/isolate-entry.ts): a ConformanceRequest (copied in) into a Request, and a
 * Response into a ConformanceResponse (copied out). The server has one request/response
 * contract, the prelude's (`PlainRequest` and `PlainResponse` in runtime/prelude/entry.ts, with
 * its limits and door rules); these types are named apart so the two are never confused.
 *
 * This module must never return anything but plain data from `responseToPlain`.
 */
import { Headers } from './headers.ts'
import { Request } from './request.ts'
import type { Response } from './response.ts'

/** A request as the conformance suite hands it to its isolate. */
export interface ConformanceRequest {
  method: string
  /** Absolute URL, e.g. `http://localhost/users/1?x=2`. */
  url: string
  /** In arrival order; repeated names stay repeated. */
  headers: [string, string][]
  body: Uint8Array | null
}

/** A response as its isolate hands it back. */
export interface ConformanceResponse {
  status: number
  statusText: string
  /** As `Headers` iterates: sorted, lower-case, one entry per Set-Cookie. */
  headers: [string, string][]
  body: Uint8Array
}

/** Builds the Request a learner app receives from what the host sent. */
export function requestFromPlain(plain: ConformanceRequest): Request {
  const headers = new Headers()
  for (const [name, value] of plain.headers) headers.append(name, value)
  const method = plain.method.toUpperCase()
  const body = method === 'GET' || method === 'HEAD' ? null : plain.body
  return new Request(plain.url, { method: plain.method, headers, body })
}

/** Reads a Response to the end and describes it as plain data for the host. */
export async function responseToPlain(response: Response): Promise<ConformanceResponse> {
  const body = response.body === null ? new Uint8Array(0) : new Uint8Array(await response.arrayBuffer())
  return {
    status: response.status,
    statusText: response.statusText,
    headers: [...response.headers],
    body,
  }
}
