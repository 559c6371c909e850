import { describe, expect, it } from 'vitest'
import { describeDuration, withCurlLines, type CheckReplay } from './replay.ts'

const replay: CheckReplay = {
  check: 'notes.create stores a note',
  status: 'fail',
  gradeSessionId: 'g'.repeat(32),
  expiresAt: 0,
  startedAt: Date.UTC(2026, 11, 2, 20, 0),
  sameAsGrade: true,
  steps: [
    { kind: 'clock', description: 'The clock moved 2 minutes on', clockMs: 120_000, clockAt: 0 },
    {
      kind: 'request',
      description: 'POST /notes with {"body":"it\'s"}',
      request: { method: 'POST', path: '/notes?x=1', headers: [['content-type', 'application/json']], body: `{"body":"it's"}` },
      gradedStatus: 500,
      clockAt: 0,
    },
    { kind: 'call', description: 'Called notes.create("a")', clockAt: 0 },
    { kind: 'tests', description: 'Ran your tests', clockAt: 0 },
    { kind: 'restart', description: 'Started your app afresh, as another replica', clockAt: 0 },
  ],
}

describe('curl lines for a replay', () => {
  const shown = withCurlLines(replay, { origin: 'http://localhost:3000/', learnerSessionId: 'l'.repeat(32) })

  it('starts by putting the kept session back where the check began, naming the instant its clock reads', () => {
    expect(shown.curl!.slice(0, 2)).toEqual([
      '# Put the kept grade back where this check began: its database, cache, and its clock at 2026-12-02T20:00:00.000Z.',
      `curl -i -X POST 'http://localhost:3000/api/sessions/${'l'.repeat(32)}/grades/latest/checks/notes.create%20stores%20a%20note/restore'`,
    ])
  })

  it('moves the kept session’s clock and sends each request to its live URL, quoted for the shell', () => {
    expect(shown.steps[0]!.curl).toBe(
      `curl -i -X POST 'http://localhost:3000/api/sessions/${'g'.repeat(32)}/clock/advance' -H 'content-type: application/json' -d '{"ms":120000}'`,
    )
    expect(shown.steps[1]!.curl).toBe(
      `curl -i -X POST 'http://localhost:3000/s/${'g'.repeat(32)}/notes?x=1' -H 'content-type: application/json' -d '{"body":"it'\\''s"}'`,
    )
    expect(shown.livePathUrl).toBe(`http://localhost:3000/s/${'g'.repeat(32)}/`)
  })

  it('says plainly why curl cannot do a call of an exported function, a run of the learner’s tests or a restart', () => {
    expect(shown.steps[2]).toMatchObject({ noCurl: expect.stringContaining('no HTTP request') })
    expect(shown.steps[2]!.curl).toBeUndefined()
    expect(shown.steps[3]).toMatchObject({ noCurl: expect.stringContaining('curl cannot run tests') })
    expect(shown.steps[4]).toMatchObject({ noCurl: expect.stringContaining('curl cannot restart it') })
    expect(shown.curl).toContain(
      '# Called notes.create("a") (not with curl: The check called a function your module exports, directly: there is no HTTP request for curl to send.)',
    )
    expect(shown.curl!.filter((line) => line.startsWith('curl '))).toHaveLength(3)
  })
})

describe('describeDuration', () => {
  it('says a clock move in words', () => {
    expect([250, 1500, 16 * 60_000, 60 * 60_000, 3 * 3600_000, 3 * 86_400_000].map(describeDuration)).toEqual([
      '250 ms',
      '1.5 s',
      '16 minutes',
      '60 minutes',
      '3 hours',
      '3 days',
    ])
  })
})
