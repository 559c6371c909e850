import { describe, expect, it } from 'vitest'
import { parseCheckHints, parseHints } from './hints.ts'

const markdown = `## A nudge
Look at GET /ping.

## check: GET /ping answers pong
### Look at the status
It is 200.

### Nearly there
\`c.json({ pong: true })\`

## The idea
Answer JSON.

## check: GET /ping is fast
Cache nothing.
`

describe('hints.md', () => {
  it('keeps the general hints in order, without the check sections', () => {
    expect(parseHints(markdown)).toEqual([
      { title: 'A nudge', text: 'Look at GET /ping.' },
      { title: 'The idea', text: 'Answer JSON.' },
    ])
  })

  it('gives each check its hints: one per ### subsection, or the whole section as one', () => {
    expect(parseCheckHints(markdown)).toEqual([
      {
        check: 'GET /ping answers pong',
        line: 4,
        hints: [
          { title: 'Look at the status', text: 'It is 200.' },
          { title: 'Nearly there', text: '`c.json({ pong: true })`' },
        ],
      },
      { check: 'GET /ping is fast', line: 14, hints: [{ title: 'A hint for this check', text: 'Cache nothing.' }] },
    ])
  })
})
