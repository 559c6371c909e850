import { describe, expect, it } from 'vitest'
import { reportInternalError } from '../runtime/internal-error.ts'
import { createLogBudget, createLogger, runInLogScope, sessionTag } from './logging.ts'

function capture() {
  const lines: string[] = []
  return { lines, logger: createLogger({ level: 'info', destination: { write: (line: string) => void lines.push(line) } }) }
}

const SESSION = '0123456789abcdef0123456789abcdef'

describe('the server log', () => {
  it('names a session by a short stable hash', () => {
    expect(sessionTag(SESSION)).toMatch(/^[0-9a-f]{12}$/)
    expect(sessionTag(SESSION.toUpperCase())).toBe(sessionTag(SESSION))
    expect(sessionTag(SESSION)).not.toBe(sessionTag(SESSION.replace('0', '1')))
  })

  it('never writes a session id, whatever field carries it', () => {
    const { lines, logger } = capture()
    logger.error({ event: 'oops', error: `Error: database ${SESSION} is not open\n    at somewhere`, host: `${SESSION.toUpperCase()}.localhost` })
    expect(lines).toHaveLength(1)
    expect(lines[0]!.toLowerCase()).not.toContain(SESSION)
    expect(JSON.parse(lines[0]!)).toMatchObject({ level: 'error', event: 'oops', time: expect.any(String) })
    expect(lines[0]).toContain(`session#${sessionTag(SESSION)}`)
  })

  it('reports an internal error in one line, with its id and the request it belongs to', () => {
    const { lines, logger } = capture()
    const scope = { logger: logger.child({ reqId: 'r1' }), client: 'a', budget: createLogBudget(), session: SESSION }
    const id = runInLogScope(scope, () => reportInternalError(new Error('broken'), 'test'))
    expect(lines).toHaveLength(1)
    expect(JSON.parse(lines[0]!)).toMatchObject({
      level: 'error',
      event: 'internal_error',
      id,
      where: 'test',
      reqId: 'r1',
      session: sessionTag(SESSION),
      error: expect.stringContaining('Error: broken'),
    })
  })
})

describe('the log budget', () => {
  it('lets a burst through, drops and counts the rest, and reports the drops when tokens come back', () => {
    let now = 0
    const budget = createLogBudget({ linesPerSecond: 2, burst: 3, now: () => now })
    const taken = Array.from({ length: 5 }, () => budget.take('a').allowed)
    expect(taken).toEqual([true, true, true, false, false])
    expect(budget.take('b').allowed).toBe(true)
    now += 500
    expect(budget.take('a')).toEqual({ allowed: true, droppedBefore: 2 })
    expect(budget.take('a')).toEqual({ allowed: false, droppedBefore: 0 })
    expect(budget.droppedTotal).toBe(3)
  })
})
