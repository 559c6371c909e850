/**
 * The two conversions at the isolate's edge, run inside the isolate: a
 * PlainRequest (copied in from the host) into a Request, and a Response into a PlainResponse
 * (copied out), for the platform's conformance suite (conformance/isolate-entry.ts). The
 * runtime's own entry (runtime/prelude/entry.ts) does this with its limits and door rules.
 *
 * This module must never return anything but plain data from `responseToPlain`.
 */
import type { PlainRequest, PlainResponse } from './contract.ts'
import { Headers } from './headers.ts'
import { Request } from './request.ts'
import type { Response } from './response.ts'

/** Builds the Request a learner app receives from what the host sent. */
export function requestFromPlain(plain: PlainRequest): Request {
  const headers = new Headers()
  for (const [name, value] of plain.headers) headers.append(name, value)
  const method = plain.method.toUpperCase()
  const body = method === 'GET' || method === 'HEAD' ? null : plain.body
  return new Request(plain.url, { method: plain.method, headers, body })
}

/** Reads a Response to the end and describes it as plain data for the host. */
export async function responseToPlain(response: Response): Promise<PlainResponse> {
  const body = response.body === null ? new Uint8Array(0) : new Uint8Array(await response.arrayBuffer())
  return {
    status: response.status,
    statusText: response.statusText,
    headers: [...response.headers],
    body,
  }
}
