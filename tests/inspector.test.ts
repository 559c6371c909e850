/**
 * The request inspector's feed, end to end: a real server on a socket, real worker processes
 * holding the isolates, and a client reading `GET /api/sessions/:id/events` as server-sent
 * events while requests reach the learner's live URL from outside (plain fetch, as curl would).
 * A second server runs sessions in its own process with small limits, to show the limits hold.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Server } from 'node:http'
import { createServerApp } from '../sandbox-server/http/app.ts'
import { startSandboxServer } from '../sandbox-server/http/serve.ts'
import { createLogger } from '../sandbox-server/observability/index.ts'
import { createWorkerSessions, type WorkerSessions } from '../sandbox-server/sessions/workers/supervisor.ts'
import type { Activity, LogActivity, RequestActivity } from '../sandbox-server/sessions/activity.ts'
import { startTestServer, type TestServer } from './support/server.ts'

interface SseMessage {
  id?: string
  event: string
  data: string
}

/** A client of the event stream: every message it has read, and a wait for the next one that matches. */
async function openEvents(url: string, headers: Record<string, string> = {}) {
  const abort = new AbortController()
  const response = await fetch(url, { headers, signal: abort.signal })
  const messages: SseMessage[] = []
  let comments = 0
  const waiting: { match: (message: SseMessage) => boolean; resolve: (message: SseMessage) => void }[] = []
  let closed = false
  /** Hands a message (or a comment, as an empty one) to the waits it matches. */
  const settle = (message: SseMessage) => {
    for (const waiter of [...waiting]) {
      if (!waiter.match(message)) continue
      waiting.splice(waiting.indexOf(waiter), 1)
      waiter.resolve(message)
    }
  }
  const reading = (async () => {
    if (!response.body) return
    const decoder = new TextDecoder()
    let text = ''
    try {
      const reader = response.body.getReader()
      for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
        text += decoder.decode(chunk.value, { stream: true })
        let end: number
        while ((end = text.indexOf('\n\n')) >= 0) {
          const block = text.slice(0, end)
          text = text.slice(end + 2)
          const message: SseMessage = { event: 'message', data: '' }
          const data: string[] = []
          for (const line of block.split('\n')) {
            if (line.startsWith(':')) {
              comments++
              continue
            }
            const [field, ...rest] = line.split(':')
            const value = rest.join(':').replace(/^ /, '')
            if (field === 'id') message.id = value
            else if (field === 'event') message.event = value
            else if (field === 'data') data.push(value)
          }
          if (data.length > 0 || message.id !== undefined) {
            message.data = data.join('\n')
            messages.push(message)
          }
          settle(message)
        }
      }
    } catch {
      // Aborted by the test.
    }
    closed = true
  })()
  return {
    response,
    messages,
    get closed() {
      return closed
    },
    /** Comment lines read (the server's heartbeats). */
    get comments() {
      return comments
    },
    /** The activities read so far. */
    activities: () => messages.filter((message) => message.event === 'activity').map((message) => JSON.parse(message.data) as Activity),
    /** Waits for a message (one already read counts). */
    next(match: (message: SseMessage) => boolean): Promise<SseMessage> {
      const found = messages.find(match)
      if (found) return Promise.resolve(found)
      return new Promise((resolve) => waiting.push({ match, resolve }))
    },
    /** Waits for an activity that matches. */
    async activity<T extends Activity>(match: (activity: Activity) => activity is T): Promise<T> {
      const message = await this.next((message) => message.event === 'activity' && match(JSON.parse(message.data)))
      return JSON.parse(message.data) as T
    },
    close: async () => {
      abort.abort()
      await reading
    },
    ended: () => reading,
  }
}

const isRequest =
  (path: string) =>
  (activity: Activity): activity is RequestActivity =>
    activity.kind === 'request' && activity.path === path
const isLogs =
  (source: LogActivity['source'], text: string) =>
  (activity: Activity): activity is LogActivity =>
    activity.kind === 'logs' && activity.source === source && activity.logs.some((line) => line.message.includes(text))

const APP = `import { Hono } from 'hono'
const app = new Hono()
console.log('loading the app')
app.get('/hello', (c) => {
  console.log('hello from the handler', c.req.query('n') ?? '')
  setTimeout(() => console.log('a timer after the response'), 30)
  return c.json({ hello: 'world', big: 'x'.repeat(10_000) })
})
app.post('/echo', async (c) => c.text(await c.req.text(), 201))
app.get('/boom', () => { throw new Error('kaboom') })
export default app
`

describe('the request inspector, with isolates in worker processes', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'sandbox-inspector-'))
  let sessions: WorkerSessions
  let server: Server
  let base: string

  beforeAll(async () => {
    sessions = await createWorkerSessions({ dataDir, workers: 1, spare: false, logger: createLogger({ level: 'silent' }) })
    const app = createServerApp({ sessions, logger: createLogger({ level: 'silent' }), sessionsPerMinute: 10_000 })
    const started = await startSandboxServer({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' })
    server = started.server
    base = `http://127.0.0.1:${started.port}`
  })

  afterAll(async () => {
    const closed = new Promise<void>((resolve) => server.close(() => resolve()))
    server.closeAllConnections()
    await closed
    await sessions.dispose()
    rmSync(dataDir, { recursive: true, force: true })
  })

  async function createApp(): Promise<string> {
    const response = await fetch(`${base}/api/sessions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ code: APP }),
    })
    expect(response.status).toBe(201)
    return ((await response.json()) as { sessionId: string }).sessionId
  }

  it('shows a request sent to the live URL from outside, with its response and logs, then the timer’s line as its own event', async () => {
    const id = await createApp()
    const events = await openEvents(`${base}/api/sessions/${id}/events`)
    expect(events.response.status).toBe(200)
    expect(events.response.headers.get('content-type')).toMatch(/^text\/event-stream/)
    await events.next((message) => message.event === 'ready')

    const live = await fetch(`${base}/s/${id}/hello?n=1`)
    expect(live.status).toBe(200)
    const request = await events.activity(isRequest('/hello?n=1'))
    expect(request).toMatchObject({ via: 'live', method: 'GET', status: 200 })
    expect(request.logs.map((line) => line.message)).toEqual(['hello from the handler 1'])
    expect(request.responseHeaders).toContainEqual(['content-type', 'application/json'])
    // The body's preview is capped; its size is the whole body's.
    expect(request.responseBody.bytes).toBeGreaterThan(10_000)
    expect(request.responseBody.truncated).toBe(true)
    expect(request.responseBody.text.length).toBeLessThanOrEqual(2048)
    expect(request.responseBody.text.startsWith('{"hello":"world"')).toBe(true)

    // The timer writes after the response went: its line is an event of its own, not lost.
    const timer = await events.activity(isLogs('background', 'a timer after the response'))
    expect(timer.logs).toHaveLength(1)
    await events.close()
  })

  it('shows the lines the code writes while it loads, a request body and an app error', async () => {
    const id = await createApp()
    const events = await openEvents(`${base}/api/sessions/${id}/events`)
    await events.next((message) => message.event === 'ready')
    const put = await fetch(`${base}/api/sessions/${id}/code`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ code: APP }),
    })
    expect(put.status).toBe(200)
    await events.activity(isLogs('load', 'loading the app'))

    await fetch(`${base}/s/${id}/echo`, { method: 'POST', body: 'ping' })
    const echo = await events.activity(isRequest('/echo'))
    expect(echo).toMatchObject({ method: 'POST', status: 201, requestBody: { text: 'ping', bytes: 4 }, responseBody: { text: 'ping' } })

    const sent = await fetch(`${base}/api/sessions/${id}/requests`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ method: 'GET', path: '/boom' }),
    })
    expect(sent.status).toBe(200)
    const boom = await events.activity(isRequest('/boom'))
    expect(boom).toMatchObject({ via: 'console', status: 500 })
    await events.close()
  })

  it('resumes from Last-Event-ID with what the client missed, and closes when the session ends', async () => {
    const id = await createApp()
    const first = await openEvents(`${base}/api/sessions/${id}/events`)
    await fetch(`${base}/s/${id}/hello?n=first`)
    const seen = await first.next((message) => message.event === 'activity' && message.data.includes('"path":"/hello?n=first"'))
    await first.close()

    // Sent while nobody listened: the buffer keeps it for a while, for a reconnect.
    await fetch(`${base}/s/${id}/hello?n=missed`)
    const again = await openEvents(`${base}/api/sessions/${id}/events`, { 'last-event-id': seen.id! })
    await again.activity(isRequest('/hello?n=missed'))
    expect(again.activities().filter((activity) => activity.kind === 'request' && activity.path === '/hello?n=first')).toEqual([])

    const deleted = await fetch(`${base}/api/sessions/${id}`, { method: 'DELETE' })
    expect(deleted.status).toBe(204)
    await again.next((message) => message.event === 'end')
    await again.ended()
    expect(again.closed).toBe(true)
  })

  it('keeps the stream going when the session moves to another worker process', async () => {
    const id = await createApp()
    const events = await openEvents(`${base}/api/sessions/${id}/events`)
    await events.next((message) => message.event === 'ready')
    await fetch(`${base}/s/${id}/hello?n=before`)
    await events.activity(isRequest('/hello?n=before'))
    const before = sessions.workerOf(id)
    sessions.recycleWorkerOf(id)
    // Taken up by the new worker on this request, which is watched from its first call there.
    expect((await fetch(`${base}/s/${id}/hello?n=after`)).status).toBe(200)
    expect(sessions.workerOf(id)).not.toBe(before)
    const after = await events.activity(isRequest('/hello?n=after'))
    // Its app was built again there: the lines of loading it come with the request that did.
    expect(after.logs.map((line) => line.message)).toEqual(['loading the app', 'hello from the handler after'])
    await events.activity(isLogs('background', 'a timer after the response'))
    await events.close()
  })

  it('shows the requests the checks send while they grade the code', async () => {
    const created = await fetch(`${base}/api/sessions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ exerciseId: 'first-route' }),
    })
    const { sessionId: id, starter } = (await created.json()) as { sessionId: string; starter: string }
    await fetch(`${base}/api/sessions/${id}/code`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ code: starter }),
    })
    const events = await openEvents(`${base}/api/sessions/${id}/events`)
    await events.next((message) => message.event === 'ready')
    const graded = await fetch(`${base}/api/sessions/${id}/grade`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })
    expect(graded.status).toBe(200)
    const check = await events.activity((activity): activity is RequestActivity => activity.kind === 'request' && activity.via === 'check')
    expect(check.status).toBeTypeOf('number')
    await events.close()
  })

  it('answers 404 with the usual error shape for a session that does not exist', async () => {
    const response = await fetch(`${base}/api/sessions/${'0'.repeat(32)}/events`)
    expect(response.status).toBe(404)
    expect(await response.json()).toMatchObject({ error: { code: 'unknown_session' } })
  })
})

describe('the request inspector’s limits', () => {
  let server: TestServer

  beforeAll(async () => {
    server = await startTestServer({
      store: { activityRate: { burst: 8, perSecond: 0 } },
      activityFeed: { bufferEvents: 5 },
      app: { activityStream: { heartbeatMs: 20 } },
    })
  })
  afterAll(() => server.close())

  it('holds a flood of requests to the session’s rate, and its buffer to its cap', async () => {
    const id = await server.createApp(APP)
    const events = await openEvents(`${server.url}/api/sessions/${id}/events`)
    await events.next((message) => message.event === 'ready')
    for (let n = 0; n < 30; n++) expect((await fetch(`${server.url}/s/${id}/echo`, { method: 'POST', body: String(n) })).status).toBe(201)
    // Sessions run in this process here: each event was recorded (or refused) before its response left.
    expect(server.service.activity.stats(id)).toMatchObject({ subscribers: 1, events: 5 })
    const read = () => events.messages.filter((message) => message.event === 'activity')
    await events.next(() => read().length >= 8)
    const eighth = read()[7]!
    // A newcomer gets the buffer: the last five, and nothing after the eighth (the rest were refused).
    const newcomer = await openEvents(`${server.url}/api/sessions/${id}/events`)
    await newcomer.next((message) => message.id === eighth.id)
    const replayed = newcomer.messages.filter((message) => message.event === 'activity')
    expect(replayed.map((message) => message.id)).toEqual(
      read()
        .slice(3, 8)
        .map((message) => message.id),
    )
    await newcomer.close()
    await events.close()
  })

  it('refuses a fifth watcher of one session with 429', async () => {
    const id = await server.createApp(APP)
    const watchers = await Promise.all([1, 2, 3, 4].map(() => openEvents(`${server.url}/api/sessions/${id}/events`)))
    for (const watcher of watchers) expect(watcher.response.status).toBe(200)
    const fifth = await fetch(`${server.url}/api/sessions/${id}/events`)
    expect(fifth.status).toBe(429)
    expect(await fifth.json()).toMatchObject({ error: { code: 'too_many_watchers' } })
    for (const watcher of watchers) await watcher.close()
    // Each one that went away let go of its place: a new watcher is welcome.
    while (server.service.activity.stats(id).subscribers > 0) await new Promise((resolve) => setTimeout(resolve, 10))
    const next = await openEvents(`${server.url}/api/sessions/${id}/events`)
    expect(next.response.status).toBe(200)
    await next.close()
  })

  it('keeps a quiet stream alive with comments', async () => {
    const id = await server.createApp(APP)
    const events = await openEvents(`${server.url}/api/sessions/${id}/events`)
    await events.next(() => events.comments >= 2)
    await events.close()
  })
})
