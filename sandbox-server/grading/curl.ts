/**
 * The curl command that sends one request: the reproduction line under a check that did not
 * pass, and the workspace's request console (the site imports this file). One builder, so the
 * two never quote differently. No imports: it runs in the browser too.
 */

/** A POSIX-shell single-quoted word: nothing inside it is expanded. */
export function shellQuote(text: string): string {
  return `'${text.replaceAll("'", `'\\''`)}'`
}

export interface CurlRequest {
  method: string
  /** The whole URL, e.g. http://<session>.localhost:3000/notes, or one that starts with $APP_URL. */
  url: string
  /** By name, or as pairs (a name may repeat). */
  headers?: Record<string, string> | [string, string][]
  /** Sent with -d; leave it out for a request without a body. */
  body?: string
}

/**
 * `curl -i` with the method (when not GET), the URL, each header and the body, each word quoted.
 *
 * @example
 * curlCommand({ method: 'POST', url: 'http://localhost:3000/notes', headers: { 'content-type': 'application/json' }, body: '{"body":"hi"}' })
 * // curl -i -X POST 'http://localhost:3000/notes' -H 'content-type: application/json' -d '{"body":"hi"}'
 */
export function curlCommand({ method, url, headers = {}, body }: CurlRequest): string {
  const parts = ['curl', '-i']
  if (method !== 'GET') parts.push('-X', method)
  parts.push(shellQuote(url))
  for (const [name, value] of Array.isArray(headers) ? headers : Object.entries(headers)) parts.push('-H', shellQuote(`${name}: ${value}`))
  if (body !== undefined) parts.push('-d', shellQuote(body))
  return parts.join(' ')
}
