/**
 * Hono as on Node: every app of the docs corpus (tests/hono-docs) answers in the sandbox as it
 * answered on plain @hono/node-server (recorded.json), status, headers and body, through the
 * live URL on its own origin, the `/s/<session>/` path form and the JSON API, except for the
 * differences listed, with their reasons, in corpus.ts. Real server, real isolates.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestServer, type TestServer } from './support/server.ts'
import {
  expectedAnswer,
  loadCorpus,
  normaliseBody,
  normaliseHeaders,
  readRecorded,
  answerFromSocket,
  type Answer,
  type DocsRequest,
} from './hono-docs/corpus.ts'

const corpus = await loadCorpus()
const recorded = await readRecorded()

let server: TestServer
beforeAll(async () => {
  server = await startTestServer()
})
afterAll(async () => {
  await server.close()
})

/** The answer through the JSON API, normalised as the socket's answers are. */
async function throughApi(id: string, { method = 'GET', path, headers, body }: DocsRequest): Promise<Answer> {
  const { status, body: sent } = await server.send(id, { method, path, headers, body })
  if (status !== 200) throw new Error(`the API refused the request: ${JSON.stringify(sent)}`)
  const bytes = Buffer.from(sent.body as string, sent.bodyEncoding === 'base64' ? 'base64' : 'utf8')
  return { status: sent.status, headers: normaliseHeaders(sent.headers, 'http://app.localhost'), ...normaliseBody(bytes, 'http://app.localhost') }
}

describe('the corpus', () => {
  it('has a recorded answer for every request and none for a request that is gone (npm run hono-docs:record)', () => {
    const requested = Object.fromEntries(corpus.map((app) => [app.name, app.requests.map((request) => request.name).sort()]))
    const answered = Object.fromEntries(Object.entries(recorded.answers).map(([name, answers]) => [name, Object.keys(answers).sort()]))
    expect(answered).toEqual(requested)
  })
})

for (const docsApp of corpus) {
  describe(`${docsApp.name} (tests/hono-docs/apps/${docsApp.file})`, () => {
    let id: string
    beforeAll(async () => {
      id = await server.createApp(docsApp.source)
    })

    for (const request of docsApp.requests) {
      it(`${request.method ?? 'GET'} ${request.path}: ${request.name}`, async () => {
        const want = recorded.answers[docsApp.name]?.[request.name]
        if (!want) throw new Error(`no recorded answer: run npm run hono-docs:record`)
        const { method = 'GET', path, headers = {}, body } = request
        const liveOrigin = `http://${id}.localhost:${server.port}`
        const live = await server.raw(method, path, { headers: { ...headers, host: `${id}.localhost:${server.port}` }, body })
        const pathForm = await server.raw(method, `/s/${id}${path}`, { headers, body })
        const context = { prefix: `/s/${id}` }
        expect({
          live: answerFromSocket(live, liveOrigin),
          path: answerFromSocket(pathForm, server.url),
          api: await throughApi(id, request),
        }).toEqual({
          live: expectedAnswer(want, 'live', context),
          path: expectedAnswer(want, 'path', context),
          api: expectedAnswer(want, 'api', context),
        })
      })
    }
  })
}
