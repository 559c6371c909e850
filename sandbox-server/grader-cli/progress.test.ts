import { describe, expect, it } from 'vitest'
import { createProgress } from './progress.ts'
import type { StudentResult } from './results.ts'

function fakeStream(isTTY: boolean) {
  const stream = { isTTY, columns: 60, written: '', write: (chunk: string) => ((stream.written += chunk), true) }
  return stream
}
const graded = (student: string, status: StudentResult['status']): StudentResult => ({
  student,
  file: `${student}.ts`,
  version: 3,
  exerciseId: 'crud-notes',
  status,
  gradable: status !== 'error',
  ...(status === 'error' ? { message: 'Your code does not compile' } : {}),
  score: status === 'pass' ? 7 : 0,
  maxScore: 7,
  durationMs: 1500,
  tests: [],
})

describe('progress', () => {
  it('redraws one bar in place on a terminal, cut to its width, and clears it at the end', () => {
    const stream = fakeStream(true)
    const progress = createProgress({ stream: stream as unknown as NodeJS.WriteStream, total: 2 })
    progress.start({ student: 'alice', file: 'alice.ts', path: '/x/alice.ts' })
    progress.start({ student: 'a-student-with-a-very-long-name', file: 'b.ts', path: '/x/b.ts' })
    progress.finish(graded('alice', 'pass'))
    const frames = stream.written.split('\r\x1b[2K').filter(Boolean)
    expect(frames).toHaveLength(3)
    expect(frames.at(-1)).toMatch(/^█{12}░{12} 1\/2 {2}✓1 ✗0 !0 {2}grading a-student-…$/)
    for (const frame of frames) expect(frame.length).toBeLessThan(60)
    expect(stream.written).not.toContain('\n')
    progress.end()
    expect(stream.written.endsWith('\r\x1b[2K')).toBe(true)
  })

  it('writes one line per finished student anywhere else', () => {
    const stream = fakeStream(false)
    const progress = createProgress({ stream: stream as unknown as NodeJS.WriteStream, total: 12 })
    progress.finish(graded('alice', 'pass'))
    progress.finish(graded('bob', 'error'))
    expect(stream.written).toBe('[ 1/12] alice  pass  7/7  1.5 s\n[ 2/12] bob  error  0/7  1.5 s  Your code does not compile\n')
  })
})
