/**
 * Replayable failures (issue 18, item 3) as a specification: a grade's session is kept for a
 * while; a failed check is done again there from where it began, with the grade's tokens and
 * clock; its curl lines, sent as they are written, reproduce the failure against the kept
 * session's live URL; a grade let go answers 404.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { startTestServer, type TestServer } from './support/server.ts'
import { createServerApp } from '../sandbox-server/http/app.ts'
import { createLogger } from '../sandbox-server/observability/index.ts'
import { createWorkerSessions } from '../sandbox-server/sessions/workers/supervisor.ts'

const EXPIRY_CHECK = 'A token works for 15 minutes, then stops'

/** token-auth's solution with its expiry test taken out: signed tokens that never expire. */
async function neverExpiring(): Promise<string> {
  const solution = await readFile(new URL('../exercises/token-auth/solution.ts', import.meta.url), 'utf8')
  const expiry = '  if (!(Number(expiresAt) > clock.now())) return undefined\n'
  expect(solution).toContain(expiry)
  return solution.replace(expiry, '')
}

/** The words of a shell line as sh reads them: single quotes (with '\'' inside) and plain words. */
function shellWords(line: string): string[] {
  const words: string[] = []
  let word: string | undefined
  for (let at = 0; at < line.length; at++) {
    const char = line[at]!
    if (char === ' ') {
      if (word !== undefined) words.push(word)
      word = undefined
    } else if (char === "'") {
      const end = line.indexOf("'", at + 1)
      word = (word ?? '') + line.slice(at + 1, end)
      at = end
    } else if (char === '\\') {
      word = (word ?? '') + line[++at]
    } else word = (word ?? '') + char
  }
  if (word !== undefined) words.push(word)
  return words
}

/** Runs one `curl -i [-X method] url [-H header]... [-d body]` line with fetch, as curl would send it. */
async function runCurl(line: string): Promise<Response> {
  const [curl, ...words] = shellWords(line)
  expect(curl).toBe('curl')
  let method = 'GET'
  let url: string | undefined
  let body: string | undefined
  const headers = new Headers()
  for (let at = 0; at < words.length; at++) {
    const word = words[at]!
    if (word === '-i') continue
    if (word === '-X') method = words[++at]!
    else if (word === '-H') {
      const header = words[++at]!
      const colon = header.indexOf(': ')
      headers.append(header.slice(0, colon), header.slice(colon + 2))
    } else if (word === '-d') {
      body = words[++at]!
      if (method === 'GET') method = 'POST'
    } else url = word
  }
  return fetch(url!, { method, headers, body })
}

async function gradeFailing(server: TestServer): Promise<{ id: string; graded: any }> {
  const id = await server.createApp(await neverExpiring(), 'token-auth')
  const graded = await server.api('POST', `/sessions/${id}/grade`)
  expect(graded.status).toBe(200)
  expect(graded.body.tests.find((test: { name: string }) => test.name === EXPIRY_CHECK)).toMatchObject({ status: 'fail' })
  return { id, graded: graded.body }
}

const replayPath = (id: string, check: string) => `/sessions/${id}/grades/latest/checks/${encodeURIComponent(check)}/replay`

describe('replaying a failed check', () => {
  let server: TestServer
  beforeAll(async () => {
    server = await startTestServer()
  })
  afterAll(async () => {
    await server.close()
  })

  it('keeps the grade’s session with its own live URL, and replays the expiry check: 200 again where 401 was expected', async () => {
    const { id, graded } = await gradeFailing(server)
    expect(graded.kept).toMatchObject({ sessionId: expect.stringMatching(/^[0-9a-f]{32}$/), livePathUrl: expect.stringContaining('/s/') })
    expect(graded.kept.sessionId).not.toBe(id)

    const replay = await server.api('POST', replayPath(id, EXPIRY_CHECK))
    expect(replay.status).toBe(200)
    expect(replay.body).toMatchObject({ check: EXPIRY_CHECK, status: 'fail', gradeSessionId: graded.kept.sessionId, sameAsGrade: true })
    // The check moves the clock 14 minutes (the token still works), then 2 more (it must not).
    const [early, fresh, clock, request] = replay.body.steps
    expect(early).toMatchObject({ kind: 'clock', clockMs: 14 * 60_000, description: expect.stringContaining('14 minutes') })
    expect(fresh).toMatchObject({ kind: 'request', request: { method: 'GET', path: '/me' }, gradedStatus: 200 })
    expect(clock).toMatchObject({ kind: 'clock', clockMs: 2 * 60_000, description: expect.stringContaining('2 minutes') })
    expect(clock.clockAt - replay.body.startedAt).toBeGreaterThanOrEqual(16 * 60_000)
    expect(request).toMatchObject({ kind: 'request', request: { method: 'GET', path: '/me' }, gradedStatus: 200 })
    expect(request.response.status).toBe(200)
    expect(JSON.parse(request.response.body)).toEqual({ username: 'ada' })

    // The token the grade used, signed with the grade's key: the learner's own session refuses it.
    const token = request.request.headers.find(([name]: [string]) => name === 'authorization')[1]
    const mine = await server.send(id, { path: '/me', headers: { authorization: token } })
    expect(mine.body.status).toBe(401)
  })

  it('gives curl lines that target the kept session and reproduce the failure when sent as written', async () => {
    const { id, graded } = await gradeFailing(server)
    const replay = await server.api('POST', replayPath(id, EXPIRY_CHECK))
    const lines: string[] = replay.body.curl
    const commands = lines.filter((line) => line.startsWith('curl '))
    expect(commands).toHaveLength(5)
    expect(commands[0]).toContain(`/api/sessions/${id}/grades/latest/checks/`)
    for (const advance of [commands[1], commands[3]]) expect(advance).toContain(`/api/sessions/${graded.kept.sessionId}/clock/advance`)
    for (const me of [commands[2], commands[4]]) expect(me).toContain(`${server.url}/s/${graded.kept.sessionId}/me`)
    expect(lines.some((line) => line.startsWith('#') && line.includes('clock'))).toBe(true)

    const restored = await runCurl(commands[0]!)
    expect(restored.status).toBe(200)
    expect(await restored.json()).toMatchObject({ gradeSessionId: graded.kept.sessionId, clockAt: replay.body.startedAt })
    for (const [advance, me] of [
      [commands[1]!, commands[2]!],
      [commands[3]!, commands[4]!],
    ]) {
      expect((await runCurl(advance)).status).toBe(200)
      const answered = await runCurl(me)
      expect(answered.status).toBe(200)
      expect(await answered.json()).toEqual({ username: 'ada' })
    }
  })

  it('says plainly when there is nothing to replay: a check that passed, a grade let go by the next one or by deleting the session', async () => {
    const { id, graded } = await gradeFailing(server)
    const passed = await server.api('POST', replayPath(id, 'POST /login with a wrong password answers 401'))
    expect(passed.status).toBe(404)
    expect(passed.body.error).toMatchObject({ code: 'no_kept_grade', message: expect.stringContaining(EXPIRY_CHECK) })

    // The next grade lets the kept one go: its live URL is unknown from then on.
    const solution = await readFile(new URL('../exercises/token-auth/solution.ts', import.meta.url), 'utf8')
    expect((await server.api('PUT', `/sessions/${id}/code`, { code: solution })).status).toBe(200)
    expect((await server.api('POST', `/sessions/${id}/grade`)).body).toMatchObject({ status: 'pass' })
    expect((await server.fetch(`/s/${graded.kept.sessionId}/me`)).status).toBe(404)
    const gone = await server.api('POST', replayPath(id, EXPIRY_CHECK))
    expect(gone.status).toBe(404)
    expect(gone.body.error).toMatchObject({ code: 'no_kept_grade', message: expect.stringContaining('Run the checks again') })

    const other = await gradeFailing(server)
    expect((await server.api('DELETE', `/sessions/${other.id}`)).status).toBe(204)
    expect((await server.fetch(`/s/${other.graded.kept.sessionId}/me`)).status).toBe(404)
  })
})

describe('a kept grade past its time', () => {
  let server: TestServer
  beforeAll(async () => {
    server = await startTestServer({ keepGradeMs: 200 })
  })
  afterAll(async () => {
    await server.close()
  })

  it('answers 404 no_kept_grade, and its live URL is gone', async () => {
    const { id, graded } = await gradeFailing(server)
    await vi.waitFor(
      async () => {
        const replay = await server.api('POST', replayPath(id, EXPIRY_CHECK))
        expect(replay.status).toBe(404)
        expect(replay.body.error.code).toBe('no_kept_grade')
      },
      { timeout: 30_000, interval: 100 },
    )
    expect((await server.fetch(`/s/${graded.kept.sessionId}/me`)).status).toBe(404)
  })
})

describe('replays in worker processes (as npm start runs)', () => {
  it('reaches the kept session in the worker that graded, through the API and its /s/ live URL', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'sandbox-replay-'))
    const sessions = await createWorkerSessions({ dataDir, workers: 1, spare: false, logger: createLogger({ level: 'silent' }) })
    try {
      const app = createServerApp({ sessions, logger: createLogger({ level: 'silent' }) })
      const api = async (path: string, body?: unknown) => {
        const response = await app.request(`/api${path}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body ?? {}),
        })
        return { status: response.status, body: await response.json() }
      }
      const created = await api('/sessions', { exerciseId: 'token-auth', code: await neverExpiring() })
      const id = created.body.sessionId
      const graded = await api(`/sessions/${id}/grade`)
      const kept = graded.body.kept.sessionId
      const replay = await api(`/sessions/${id}/grades/latest/checks/${encodeURIComponent(EXPIRY_CHECK)}/replay`)
      expect(replay.status).toBe(200)
      expect(replay.body.steps[1].response.status).toBe(200)
      // After the replay the kept session is where the check left it: its live URL answers the same.
      const authorization = replay.body.steps[1].request.headers.find(([name]: [string]) => name === 'authorization')[1]
      const live = await app.request(`/s/${kept}/me`, { headers: { authorization } })
      expect(live.status).toBe(200)
      expect(await live.json()).toEqual({ username: 'ada' })
    } finally {
      await sessions.dispose()
      await rm(dataDir, { recursive: true, force: true })
    }
  })
})
