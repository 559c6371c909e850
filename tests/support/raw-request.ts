/**
 * One HTTP request on a connection of its own, with any headers (fetch forbids setting Host)
 * and any method token, read to the end with its headers exactly as they came. It needs
 * nothing of the sandbox, so scripts that talk to plain servers use it too.
 */
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http'

export interface RawResponse {
  status: number
  headers: IncomingHttpHeaders
  /** The headers as they came, in order, names as sent. */
  rawHeaders: [string, string][]
  text: string
  bytes: Buffer
}

/** One HTTP request on its own connection to 127.0.0.1:`port`, with exactly the headers given (Node adds Host). */
export function rawRequest(
  port: number,
  method: string,
  path: string,
  { headers = {}, body }: { headers?: Record<string, string>; body?: string | Buffer } = {},
) {
  return new Promise<RawResponse>((resolve, reject) => {
    const request = httpRequest({ host: '127.0.0.1', port, method, path, headers, agent: false }, (response) => {
      const chunks: Buffer[] = []
      response.on('data', (chunk: Buffer) => chunks.push(chunk))
      response.on('end', () => {
        const bytes = Buffer.concat(chunks)
        const pairs = response.rawHeaders
        const rawHeaders = pairs.flatMap((name, index) => (index % 2 === 0 ? [[name, pairs[index + 1]!] as [string, string]] : []))
        resolve({ status: response.statusCode!, headers: response.headers, rawHeaders, text: bytes.toString(), bytes })
      })
    })
    request.on('error', reject)
    request.end(body)
  })
}
