/**
 * The clock panel: the time the learner's app sees (`clock.now()` and `Date.now()` in the
 * sandbox), buttons that move it forward and one that brings it back to real time. The clock is
 * the session's (the server keeps its offset), so it survives a reload; a new session starts on
 * real time. Timers inside the app keep running on real time: the markup says so.
 */
import { sandboxApi } from './api'
import { part } from './dom'
import type { SandboxSession } from './session'

const MINUTE = 60_000
const HOUR = 60 * MINUTE
const DAY = 24 * HOUR

/** "1 day 2 h 15 min" for an offset; seconds only when there is nothing larger. */
export function describeOffset(ms: number): string {
  if (ms <= 0) return 'real time'
  const parts: string[] = []
  const days = Math.floor(ms / DAY)
  const hours = Math.floor((ms % DAY) / HOUR)
  const minutes = Math.floor((ms % HOUR) / MINUTE)
  if (days) parts.push(`${days} ${days === 1 ? 'day' : 'days'}`)
  if (hours) parts.push(`${hours} h`)
  if (minutes) parts.push(`${minutes} min`)
  if (parts.length === 0) parts.push(`${Math.round(ms / 1000)} s`)
  return `${parts.join(' ')} ahead of real time`
}

/** A time as the panel and the logs show it: date and time to the second, in the learner's zone. */
export function formatAppTime(time: number): string {
  return new Date(time).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'medium' })
}

export interface ClockPanelOptions {
  root: HTMLElement
  session: SandboxSession
  /** Shows a failure the way the rest of the workspace does. */
  onError: (error: unknown) => void
  /** Called after the clock moved, with a sentence for the status line. */
  onMoved: (message: string) => void
  /** Whether the clock may be moved from here now (not while another tab works on the exercise). */
  allowed?: () => boolean
}

/**
 * Wires the clock panel's buttons ([data-clock-advance="<ms>"] and [data-ws="clock-reset"]).
 *
 * @example
 * const clock = createClockPanel({ root, session, onError, onMoved: setStatus })
 * await clock.refresh() // after a session is known
 */
export function createClockPanel({ root, session, onError, onMoved, allowed = () => true }: ClockPanelOptions) {
  const nowText = part(root, 'clock-now')
  const offsetText = part(root, 'clock-offset')
  const resetButton = part<HTMLButtonElement>(root, 'clock-reset')
  const advanceButtons = [...root.querySelectorAll<HTMLButtonElement>('[data-clock-advance]')]
  let offsetMs = 0
  let known = false

  function show() {
    nowText.textContent = known ? formatAppTime(Date.now() + offsetMs) : '…'
    nowText.setAttribute('datetime', new Date(Date.now() + offsetMs).toISOString())
    offsetText.textContent = known ? `(${describeOffset(offsetMs)})` : ''
    root.dataset.clockOffset = String(offsetMs)
  }

  function enable(wanted: boolean) {
    const on = wanted && known && allowed()
    for (const button of advanceButtons) button.disabled = !on
    resetButton.disabled = !on || offsetMs === 0
  }

  async function change(work: (id: string) => Promise<{ offsetMs: number }>, message: (offset: number) => string) {
    enable(false)
    try {
      offsetMs = (await session.run(work, { withCode: false })).offsetMs
      known = true
      onMoved(message(offsetMs))
    } catch (error) {
      onError(error)
    } finally {
      show()
      enable(true)
    }
  }

  for (const button of advanceButtons) {
    const ms = Number(button.dataset.clockAdvance)
    button.addEventListener('click', () =>
      change(
        (id) => sandboxApi.advanceClock(id, ms),
        (offset) => `Your app’s clock moved ${button.textContent?.trim()}: it is now ${describeOffset(offset)}.`,
      ),
    )
  }
  resetButton.addEventListener('click', () =>
    change(
      (id) => sandboxApi.resetClock(id),
      () => 'Your app’s clock is back to real time.',
    ),
  )
  // The shown time ticks; what the app sees is always real time plus the offset.
  setInterval(show, 1000)
  show()

  return {
    /** Reads the session's clock (after a reload or a new session) and enables the buttons. */
    async refresh() {
      try {
        offsetMs = (await session.run((id) => sandboxApi.clock(id), { withCode: false })).offsetMs
        known = true
        enable(true)
      } catch (error) {
        onError(error)
      }
      show()
    },
    /** Enables or disables the buttons (another tab started or stopped working here). */
    enable,
    /** How far the app's clock is ahead of real time, as last read. */
    offsetMs: () => offsetMs,
  }
}

export type ClockPanel = ReturnType<typeof createClockPanel>
