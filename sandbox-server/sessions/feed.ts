/**
 * The activity feed of every session, in the process serving HTTP: the recent events of each
 * watched session in a ring buffer, handed to the subscribers of `/api/sessions/:id/events` as
 * they arrive, and again from the buffer to one that reconnects with the last id it saw.
 *
 * Nobody watching costs nothing: a session is watched from its first subscriber until a while
 * after its last one left (so a reconnect resumes), and only then does the process running its
 * app build events at all (`onWatchChange` tells it). Everything is bounded, so a flood of
 * requests or of subscribers cannot make memory grow: the events and bytes a buffer keeps, the
 * size of one event, the subscribers of a session and the sessions watched at once; a
 * subscriber that cannot keep up is let go (its browser reconnects and resumes).
 */
import type { Activity } from './activity.ts'

/** One event as stored and sent: its id and its JSON. */
export interface FeedItem {
  id: number
  data: string
}

export interface FeedSubscriber {
  /** An event for this subscriber; false when it cannot take more now (it is let go). */
  send(item: FeedItem): boolean
  /** The session ended, or the subscriber was let go: no more events will come. */
  end(reason: 'session-ended' | 'too-slow'): void
}

export interface ActivityFeedOptions {
  /** Events each session's buffer keeps. Default 200. */
  bufferEvents?: number
  /** Bytes (of JSON) each session's buffer keeps. Default 256 KiB. */
  bufferBytes?: number
  /** One event's JSON at most; a larger one is replaced by a note. Default 64 KiB. */
  maxEventBytes?: number
  /** Subscribers of one session at once. Default 4. */
  subscribersPerSession?: number
  /** Sessions watched at once, across the server. Default 256. */
  sessionsWatched?: number
  /** How long a session stays watched after its last subscriber left. Default 30 s. */
  keepAfterLastMs?: number
  /** A session starts or stops being watched: its app should start or stop building events. */
  onWatchChange(id: string, watched: boolean): void
}

interface SessionFeed {
  items: FeedItem[]
  bytes: number
  subscribers: Set<FeedSubscriber>
  /** Set while nobody subscribes: the feed goes when it fires. */
  closing: NodeJS.Timeout | undefined
}

/** Subscribing was refused: too many subscribers on this session, or sessions watched. */
export class FeedFull extends Error {
  override name = 'FeedFull'
}

/**
 * @example
 * const feed = createActivityFeed({ onWatchChange: (id, on) => store.watch(id, on ? (event) => feed.publish(id, event) : undefined) })
 * const { missed, unsubscribe } = feed.subscribe(id, { send: (item) => write(item), end: () => close() })
 */
export function createActivityFeed({
  bufferEvents = 200,
  bufferBytes = 256 * 1024,
  maxEventBytes = 64 * 1024,
  subscribersPerSession = 4,
  sessionsWatched = 256,
  keepAfterLastMs = 30_000,
  onWatchChange,
}: ActivityFeedOptions) {
  const feeds = new Map<string, SessionFeed>()
  // Ids grow across sessions and, starting from the clock, across restarts of the server: an id
  // a browser kept from before never names a newer event.
  let nextId = Date.now()

  function close(id: string, feed: SessionFeed) {
    clearTimeout(feed.closing)
    feeds.delete(id)
    onWatchChange(id, false)
  }

  function leave(id: string, feed: SessionFeed, subscriber: FeedSubscriber) {
    if (!feed.subscribers.delete(subscriber) || feed.subscribers.size > 0 || feeds.get(id) !== feed) return
    feed.closing = setTimeout(() => close(id, feed), keepAfterLastMs)
    feed.closing.unref()
  }

  return {
    /** Whether the session's app should build events. */
    watched(id: string): boolean {
      return feeds.has(id)
    },

    /** Records an event of a watched session and hands it to its subscribers; ignored for one not watched. */
    publish(id: string, activity: Activity): void {
      const feed = feeds.get(id)
      if (!feed) return
      let data = JSON.stringify(activity)
      if (data.length > maxEventBytes) {
        data = JSON.stringify({
          kind: 'logs',
          source: 'background',
          at: activity.at,
          logs: [],
          droppedLogs: 0,
          error: 'An event too large to show was left out.',
        })
      }
      const item = { id: ++nextId, data }
      feed.items.push(item)
      feed.bytes += data.length
      while (feed.items.length > bufferEvents || feed.bytes > bufferBytes) feed.bytes -= feed.items.shift()!.data.length
      for (const subscriber of [...feed.subscribers]) {
        if (subscriber.send(item)) continue
        leave(id, feed, subscriber)
        subscriber.end('too-slow')
      }
    },

    /**
     * Subscribes to a session's events; `missed` are the buffered ones after `lastEventId`
     * (all of them without one). Throws FeedFull when the session or the server has too many.
     */
    subscribe(id: string, subscriber: FeedSubscriber, lastEventId?: number): { missed: FeedItem[]; unsubscribe(): void } {
      let feed = feeds.get(id)
      if (!feed) {
        if (feeds.size >= sessionsWatched) throw new FeedFull('Too many sessions are being watched right now; try again in a minute.')
        feed = { items: [], bytes: 0, subscribers: new Set(), closing: undefined }
        feeds.set(id, feed)
        onWatchChange(id, true)
      }
      if (feed.subscribers.size >= subscribersPerSession) {
        throw new FeedFull(`At most ${subscribersPerSession} pages can watch one session's requests at once; close one and try again.`)
      }
      clearTimeout(feed.closing)
      feed.closing = undefined
      feed.subscribers.add(subscriber)
      const missed = lastEventId === undefined ? [...feed.items] : feed.items.filter((item) => item.id > lastEventId)
      const subscribed = feed
      return { missed, unsubscribe: () => leave(id, subscribed, subscriber) }
    },

    /** The session ended: its subscribers hear so and its buffer goes. */
    end(id: string): void {
      const feed = feeds.get(id)
      if (!feed) return
      close(id, feed)
      for (const subscriber of feed.subscribers) subscriber.end('session-ended')
      feed.subscribers.clear()
    },

    /** What the feed holds now, for tests and metrics. */
    stats(id?: string): { sessions: number; subscribers: number; events: number; bytes: number } {
      const chosen = id === undefined ? [...feeds.values()] : [feeds.get(id)].filter((feed) => feed !== undefined)
      return {
        sessions: chosen.length,
        subscribers: chosen.reduce((sum, feed) => sum + feed.subscribers.size, 0),
        events: chosen.reduce((sum, feed) => sum + feed.items.length, 0),
        bytes: chosen.reduce((sum, feed) => sum + feed.bytes, 0),
      }
    },
  }
}

export type ActivityFeed = ReturnType<typeof createActivityFeed>
