import { describe, expect, it } from 'vitest'
import { createActivityFeed, FeedFull, type ActivityFeedOptions, type FeedItem } from './feed.ts'
import type { LogActivity } from './activity.ts'

function logEvent(message: string): LogActivity {
  return { kind: 'logs', source: 'background', at: 0, logs: [{ level: 'log', message, time: 0 }], droppedLogs: 0 }
}

/** A feed that records what it asked of the sessions' apps. */
function feedWith(options: Omit<ActivityFeedOptions, 'onWatchChange'> = {}) {
  const changes: [string, boolean][] = []
  const feed = createActivityFeed({ ...options, onWatchChange: (id, watched) => changes.push([id, watched]) })
  return { feed, changes }
}

function collector() {
  const items: FeedItem[] = []
  const ends: string[] = []
  return { items, ends, subscriber: { send: (item: FeedItem) => (items.push(item), true), end: (reason: string) => void ends.push(reason) } }
}

describe('the activity feed', () => {
  it('keeps nothing for a session nobody watches, and tells its app to start and stop', () => {
    const { feed, changes } = feedWith({ keepAfterLastMs: 0 })
    feed.publish('a', logEvent('nobody sees this'))
    expect(feed.stats()).toEqual({ sessions: 0, subscribers: 0, events: 0, bytes: 0 })
    const { subscriber } = collector()
    const { unsubscribe } = feed.subscribe('a', subscriber)
    expect(changes).toEqual([['a', true]])
    unsubscribe()
    feed.end('a')
    expect(changes).toEqual([
      ['a', true],
      ['a', false],
    ])
  })

  it('holds each session’s buffer to its events and bytes, and replaces an oversized event with a note', () => {
    const { feed } = feedWith({ bufferEvents: 3, bufferBytes: 600, maxEventBytes: 400 })
    const { items, subscriber } = collector()
    feed.subscribe('a', subscriber)
    for (let i = 0; i < 10; i++) feed.publish('a', logEvent(`line ${i}`))
    expect(feed.stats('a').events).toBe(3)
    feed.publish('a', logEvent('x'.repeat(1000)))
    expect(items.at(-1)!.data).toContain('too large')
    for (let i = 0; i < 5; i++) feed.publish('a', logEvent('y'.repeat(250)))
    expect(feed.stats('a').bytes).toBeLessThanOrEqual(600)
    expect(items).toHaveLength(16)
  })

  it('replays what a reconnecting subscriber missed, after the id it names', () => {
    const { feed } = feedWith()
    const first = collector()
    const { unsubscribe } = feed.subscribe('a', first.subscriber)
    feed.publish('a', logEvent('one'))
    feed.publish('a', logEvent('two'))
    unsubscribe()
    feed.publish('a', logEvent('three'))
    const { missed } = feed.subscribe('a', collector().subscriber, first.items[0]!.id)
    expect(missed.map((item) => JSON.parse(item.data).logs[0].message)).toEqual(['two', 'three'])
    feed.end('a')
  })

  it('refuses subscribers past the session’s and the server’s limits', () => {
    const { feed } = feedWith({ subscribersPerSession: 2, sessionsWatched: 2 })
    feed.subscribe('a', collector().subscriber)
    feed.subscribe('a', collector().subscriber)
    expect(() => feed.subscribe('a', collector().subscriber)).toThrow(FeedFull)
    feed.subscribe('b', collector().subscriber)
    expect(() => feed.subscribe('c', collector().subscriber)).toThrow(FeedFull)
    feed.end('a')
    feed.end('b')
  })

  it('lets go of a subscriber that cannot keep up, and tells every subscriber when the session ends', () => {
    const { feed } = feedWith()
    const slow = { send: () => false, ends: [] as string[], end: (reason: string) => void slow.ends.push(reason) }
    const steady = collector()
    feed.subscribe('a', slow)
    feed.subscribe('a', steady.subscriber)
    feed.publish('a', logEvent('one'))
    expect(slow.ends).toEqual(['too-slow'])
    expect(feed.stats('a').subscribers).toBe(1)
    feed.end('a')
    expect(steady.ends).toEqual(['session-ended'])
    expect(feed.watched('a')).toBe(false)
  })
})
