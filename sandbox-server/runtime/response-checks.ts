/**
 * The isolate's answer, checked before the host uses it: learner code can replace Response and
 * hand back anything, so the status, the headers (count, bytes, names and values) and the body's
 * size are checked here, and a bad one is the learner's error (4xx) or an output limit, never a
 * crash of the host's HTTP layer.
 */
import type { PlainResponse } from './prelude/entry.ts'
import { LearnerModuleError, LimitExceeded } from './errors.ts'
import { LIMIT_MESSAGES, type SandboxLimits } from './limits.ts'
import { decodeFromIsolate } from './platform/wire.ts'
import type { SandboxResponse } from './sandbox.ts'

const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/
const HEADER_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/

/**
 * The isolate's answer, checked before the host uses it: learner code can replace Response
 * and hand back anything, and a bad status or header must be the learner's error (4xx), not a
 * crash of the host's HTTP layer.
 */
export function checkedResponse(result: Extract<PlainResponse, { tooLarge: false }>, limits: SandboxLimits): SandboxResponse {
  const { status, statusText, body, droppedLogs } = result
  let headers: unknown
  try {
    headers = decodeFromIsolate(result.headers, limits.maxResponseHeaderBytes * 4)
  } catch {
    throw new LimitExceeded('output', headersTooLarge(limits))
  }
  if (!Array.isArray(headers)) throw new LearnerModuleError('Your app did not answer with a real Response.')
  if (!Number.isInteger(status) || status < 200 || status > 599) {
    throw new LearnerModuleError(`Your app answered with status ${String(status)}: an HTTP status is a whole number from 200 to 599.`)
  }
  if (!(body === null || body instanceof Uint8Array) || !Array.isArray(headers))
    throw new LearnerModuleError('Your app did not answer with a real Response.')
  if (body !== null && body.byteLength > limits.maxResponseBytes) throw new LimitExceeded('output', LIMIT_MESSAGES.output(limits))
  if (headers.length > limits.maxResponseHeaders) {
    throw new LimitExceeded('output', `Your app set ${headers.length} response headers; at most ${limits.maxResponseHeaders} are allowed.`)
  }
  let headerBytes = 0
  for (const pair of headers) {
    const [name, value] = Array.isArray(pair) ? pair : []
    headerBytes += (typeof name === 'string' ? name.length : 0) + (typeof value === 'string' ? value.length : 0)
    if (headerBytes > limits.maxResponseHeaderBytes) {
      throw new LimitExceeded('output', headersTooLarge(limits))
    }
    if (typeof name !== 'string' || typeof value !== 'string' || !HEADER_NAME.test(name) || !HEADER_VALUE.test(value)) {
      throw new LearnerModuleError(
        `Your app set an invalid header: ${JSON.stringify(String(name)).slice(0, 80)}. Header names are letters, digits and - only.`,
      )
    }
  }
  const reason = typeof statusText === 'string' ? statusText.slice(0, 1024) : ''
  return { status, statusText: reason, headers, body, droppedLogs: Number(droppedLogs) || 0 }
}

export function headersTooLarge({ maxResponseHeaderBytes }: SandboxLimits): string {
  return `Your app's response headers are larger than ${Math.round(maxResponseHeaderBytes / 1024)} KB: put data in the body, not in headers.`
}
