/**
 * Events the runtime does not report by request: sessions the sweep expired or evicted, and
 * SQLite children replaced after a deadline kill or a crash (read from the pool's restart count,
 * which only grows). Each becomes one log line and a metric.
 */
import type { SessionService } from '../sessions/service.ts'
import { sessionTag, type Logger } from './logging.ts'
import type { Metrics } from './metrics.ts'

export interface RuntimeEventsOptions {
  sessions: Pick<SessionService, 'events' | 'stats'>
  logger: Logger
  metrics: Metrics
  /** How often the SQLite pool's restart count is read. Default 1 s. */
  pollMs?: number
}

/**
 * Starts watching; returns a function that stops.
 *
 * @example
 * const stop = watchRuntimeEvents({ sessions, logger, metrics })
 */
export function watchRuntimeEvents({ sessions, logger, metrics, pollMs = 1000 }: RuntimeEventsOptions): () => void {
  function onRemoved({ id, reason }: { id: string; reason: 'expired' | 'evicted' }) {
    metrics.recordSessionRemoved(reason)
    logger.info({ event: reason === 'expired' ? 'session_expired' : 'session_evicted', session: sessionTag(id) })
  }
  sessions.events.on('removed', onRemoved)

  let restartsSeen = sessions.stats().restarts
  const poll = setInterval(() => {
    const { restarts, processes } = sessions.stats()
    if (restarts <= restartsSeen) return
    logger.warn({ event: 'sqlite_child_restarted', count: restarts - restartsSeen, restarts, children: processes })
    restartsSeen = restarts
  }, pollMs)
  poll.unref()

  return () => {
    clearInterval(poll)
    sessions.events.off('removed', onRemoved)
  }
}
