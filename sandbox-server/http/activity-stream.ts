/**
 * `GET /api/sessions/:id/events`: a session's activity feed (../sessions/feed.ts) as
 * server-sent events, for the workspace's request inspector. Each event is one SSE message
 * with the feed's id, so a browser that reconnects sends `Last-Event-ID` and gets what it
 * missed from the ring buffer; a comment every `heartbeatMs` keeps proxies from closing a quiet
 * stream. When the session ends the stream says so (`event: end`) and closes. A client that
 * stops reading is let go once `maxPendingWrites` messages wait for it, so it holds no more.
 */
import type { Context } from 'hono'
import { streamSSE } from 'hono/streaming'
import type { SessionService } from '../sessions/service.ts'
import { FeedFull, type FeedItem } from '../sessions/feed.ts'
import { ApiError } from './errors.ts'

export interface ActivityStreamOptions {
  /** How often a comment is sent on a quiet stream. Default 15 s. */
  heartbeatMs?: number
  /** Messages waiting to be written to a slow client before it is let go. Default 256 (a full buffer's replay fits). */
  maxPendingWrites?: number
}

/** The id a reconnecting EventSource sends, when it is one of ours. */
function lastEventIdOf(c: Context): number | undefined {
  const header = c.req.header('last-event-id')
  const id = header === undefined ? Number.NaN : Number(header)
  return Number.isSafeInteger(id) && id >= 0 ? id : undefined
}

/**
 * Streams a session's activity; the caller has checked that the session exists.
 *
 * @example
 * api.get('/sessions/:id/events', (c) => streamActivity(c, sessions, sessionParam(c)))
 */
export function streamActivity(
  c: Context,
  sessions: Pick<SessionService, 'activity'>,
  id: string,
  { heartbeatMs = 15_000, maxPendingWrites = 256 }: ActivityStreamOptions = {},
): Response {
  // Subscribed before the stream starts, so that a full feed is a plain 429 and nothing is missed.
  let pending = 0
  let finish!: () => void
  const finished = new Promise<void>((resolve) => (finish = resolve))
  let write: (item: FeedItem) => void = () => {}
  let ended: 'session-ended' | 'too-slow' | undefined
  let subscription: ReturnType<SessionService['activity']['subscribe']>
  const queued: FeedItem[] = []
  try {
    subscription = sessions.activity.subscribe(
      id,
      {
        send(item) {
          if (pending >= maxPendingWrites) return false
          write(item)
          return true
        },
        end(reason) {
          ended = reason
          finish()
        },
      },
      lastEventIdOf(c),
    )
  } catch (error) {
    if (error instanceof FeedFull) throw new ApiError(429, 'too_many_watchers', error.message)
    throw error
  }
  // Until the stream is open, events wait here (at most the buffer's worth).
  write = (item) => void queued.push(item)

  return streamSSE(c, async (stream) => {
    const send = (item: FeedItem) => {
      pending++
      stream.writeSSE({ id: String(item.id), event: 'activity', data: item.data }).then(
        () => pending--,
        () => finish(),
      )
    }
    stream.onAbort(() => finish())
    const heartbeat = setInterval(() => void stream.write(': still here\n\n').catch(() => finish()), heartbeatMs)
    try {
      // The browser waits 2 s before reconnecting after a dropped connection.
      await stream.writeSSE({ event: 'ready', data: '{}', retry: 2000 })
      for (const item of [...subscription.missed, ...queued]) send(item)
      write = send
      await finished
      if (ended === 'session-ended') await stream.writeSSE({ event: 'end', data: JSON.stringify({ reason: 'The session ended.' }) })
    } catch {
      // The client went away mid-write: nobody is left to tell.
    } finally {
      clearInterval(heartbeat)
      subscription.unsubscribe()
    }
  })
}
