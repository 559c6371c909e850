/**
 * The Hono docs corpus: apps written from the examples in Hono's documentation (one file a docs
 * page, in ./apps, each exporting its app and the requests to send it), the answers plain
 * @hono/node-server gave them (./recorded.json, made by `npm run hono-docs:record`), the rules
 * that make two answers comparable, and every difference the sandbox means to have, with its
 * reason. `tests/hono-docs.test.ts` holds the sandbox to it through both live-URL forms and the
 * API.
 *
 * Nothing here may know how the sandbox implements a difference: each one is written down as
 * what a learner sees, so the suite checks the implementation rather than repeating it.
 */
import { readdir, readFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import type { RawResponse } from '../support/raw-request.ts'

export const CORPUS_DIR = fileURLToPath(new URL('.', import.meta.url))
export const APPS_DIR = fileURLToPath(new URL('./apps/', import.meta.url))
export const RECORDED_FILE = fileURLToPath(new URL('./recorded.json', import.meta.url))

/** One request a corpus app is sent. */
export interface DocsRequest {
  name: string
  method?: string
  path: string
  headers?: Record<string, string>
  body?: string
}

export interface DocsApp {
  /** The file's name without its extension, e.g. "routing". */
  name: string
  file: string
  source: string
  requests: DocsRequest[]
}

/** An answer as compared: normalised headers (sorted by name), the body as text or base64. */
export interface Answer {
  status: number
  headers: [string, string][]
  body: string
  bodyEncoding: 'utf8' | 'base64'
  /** Recorded answers only: the headers the HTTP server added, which the app's Response did not have (framing, a default type). */
  serverAdded?: string[]
}

export interface Recorded {
  recordedWith: Record<string, string>
  answers: Record<string, Record<string, Answer>>
}

/** Every app of the corpus with its source and requests, in file-name order. */
export async function loadCorpus(): Promise<DocsApp[]> {
  const files = (await readdir(APPS_DIR)).filter((file) => /\.tsx?$/.test(file)).sort()
  return Promise.all(
    files.map(async (file) => {
      const module = (await import(`${APPS_DIR}${file}`)) as { requests: DocsRequest[] }
      return { name: file.replace(/\.tsx?$/, ''), file, source: await readFile(`${APPS_DIR}${file}`, 'utf8'), requests: module.requests }
    }),
  )
}

export async function readRecorded(): Promise<Recorded> {
  return JSON.parse(await readFile(RECORDED_FILE, 'utf8')) as Recorded
}

// --- Normalisation: what may differ between two runs of the same server ---------------------

/** Headers that say when or over which connection, not what: never compared. */
const UNCOMPARED_HEADERS = new Set(['date', 'connection', 'keep-alive'])

/**
 * Values that change from run to run, replaced by a placeholder on both sides:
 * - the origin the app was reached at (`http://127.0.0.1:PORT`, `http://<session>.localhost:PORT`),
 *   in headers and text bodies, as `{origin}`;
 * - a generated request id (hono/request-id's UUID) as `{uuid}`;
 * - durations in Server-Timing (`dur=0.12`) as `dur={ms}`;
 * - hono/jsx/streaming's Suspense ids (`H:0`), which count up for the life of the process, as `H:{n}`.
 */
const UUID = /\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/g
function normaliseValue(value: string, origin: string): string {
  return value
    .replaceAll(origin, '{origin}')
    .replace(UUID, '{uuid}')
    .replace(/\bdur=[\d.]+/g, 'dur={ms}')
    .replace(/\bH:\d+\b/g, 'H:{n}')
}

/** Headers with lower-case names, sorted by name (the order of one name's values is kept). */
export function normaliseHeaders(headers: Iterable<[string, string]>, origin: string): [string, string][] {
  return [...headers]
    .map(([name, value]): [string, string] => [name.toLowerCase(), normaliseValue(value, origin)])
    .filter(([name]) => !UNCOMPARED_HEADERS.has(name))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
}

const utf8 = new TextDecoder('utf-8', { fatal: true })

/** Bytes as text when they are UTF-8 (with the origin normalised), else as base64. */
export function normaliseBody(bytes: Uint8Array, origin: string): Pick<Answer, 'body' | 'bodyEncoding'> {
  try {
    return { body: normaliseValue(utf8.decode(bytes), origin), bodyEncoding: 'utf8' }
  } catch {
    return { body: Buffer.from(bytes).toString('base64'), bodyEncoding: 'base64' }
  }
}

/**
 * An answer read off the socket, normalised. Its Content-Length is that of the normalised
 * body, so that an app that echoes its URL has the same length whatever origin it was reached at.
 */
export function answerFromSocket(response: RawResponse, origin: string): Answer {
  const body = normaliseBody(response.bytes, origin)
  const length = String(body.bodyEncoding === 'utf8' ? Buffer.byteLength(body.body) : response.bytes.byteLength)
  const headers = normaliseHeaders(response.rawHeaders, origin).map(([name, value]): [string, string] => [
    name,
    name === 'content-length' ? length : value,
  ])
  return { status: response.status, headers, ...body }
}

// --- Intended differences: the one list, each with its reason --------------------------------

/** How the sandbox was reached: its own origin, the `/s/<session>/` path form, or the JSON API. */
export type Form = 'live' | 'path' | 'api'

export interface Difference {
  forms: Form[]
  what: string
  why: string
  /** The recorded answer turned into the one expected in this form. */
  apply(answer: Answer, context: { prefix: string }): Answer
}

const withHeaders = (answer: Answer, headers: [string, string][]): Answer => ({ ...answer, headers: normaliseHeaders(headers, '{origin}') })
const header = (answer: Answer, name: string) => answer.headers.find(([key]) => key === name)?.[1]

export const INTENDED_DIFFERENCES: Difference[] = [
  {
    forms: ['live', 'path'],
    what: 'X-Content-Type-Options: nosniff is added to every answer',
    why: 'a browser must never run a text answer of a learner app as a script or style',
    apply: (answer) =>
      withHeaders(answer, [...answer.headers.filter(([name]) => name !== 'x-content-type-options'), ['x-content-type-options', 'nosniff']]),
  },
  {
    forms: ['live', 'path'],
    what: 'a streamed body arrives whole, with Content-Length instead of Transfer-Encoding: chunked',
    why: 'the isolate reads the body to the end before the host answers: its size is budgeted and a run must finish within its limits',
    // An empty body sent chunked is "no body" (a redirect), which both send the same way.
    apply: (answer) =>
      header(answer, 'transfer-encoding') === undefined || answer.body === ''
        ? answer
        : withHeaders(answer, [
            ...answer.headers.filter(([name]) => name !== 'transfer-encoding'),
            ['content-length', String(Buffer.byteLength(answer.body, answer.bodyEncoding === 'base64' ? 'base64' : 'utf8'))],
          ]),
  },
  {
    forms: ['path'],
    what: 'Content-Security-Policy: sandbox is added beside the app’s own policy',
    why: 'on the site’s origin, the app’s pages must not script the site; browsers enforce both policies',
    apply: (answer) => {
      const own = header(answer, 'content-security-policy')
      const others = answer.headers.filter(([name]) => name !== 'content-security-policy')
      return withHeaders(answer, [...others, ['content-security-policy', own === undefined ? 'sandbox' : `${own}, sandbox`]])
    },
  },
  {
    forms: ['path'],
    what: 'Set-Cookie paths move under /s/<session>/',
    why: 'the app’s cookies must not reach the site or other sessions on the same origin',
    apply: (answer, { prefix }) =>
      withHeaders(
        answer,
        answer.headers.map(([name, value]) => [
          name,
          name !== 'set-cookie' ? value : /;\s*path=/i.test(value) ? value.replace(/(;\s*path=)\/?/i, `$1${prefix}/`) : `${value}; Path=${prefix}/`,
        ]),
      ),
  },
  {
    forms: ['path'],
    what: 'a Location on the app’s own origin (root-relative or absolute) moves under /s/<session>/',
    why: 'a redirect must keep the browser in the session; other origins are left alone',
    apply: (answer, { prefix }) =>
      withHeaders(
        answer,
        answer.headers.map(([name, value]) => {
          if (name !== 'location') return [name, value]
          if (value.startsWith('/') && !value.startsWith('//')) return [name, `${prefix}${value}`]
          if (value.startsWith('{origin}/')) return [name, `{origin}${prefix}${value.slice('{origin}'.length)}`]
          return [name, value]
        }),
      ),
  },
  {
    forms: ['api'],
    what: 'the headers are those the app’s Response had, without what the HTTP server adds (Content-Length, Transfer-Encoding, a default Content-Type)',
    why: 'the API shows what the learner’s app answered; the framing is the HTTP server’s, added when the answer goes out on a socket',
    apply: (answer) =>
      withHeaders(
        answer,
        answer.headers.filter(([name]) => !answer.serverAdded?.includes(name)),
      ),
  },
]

/** The answer the sandbox should give in `form`: the recorded one with that form's differences applied. */
export function expectedAnswer(recorded: Answer, form: Form, context: { prefix: string }): Answer {
  const { serverAdded: _, ...expected } = INTENDED_DIFFERENCES.filter((difference) => difference.forms.includes(form)).reduce(
    (answer, difference) => difference.apply(answer, context),
    recorded,
  )
  return expected
}
