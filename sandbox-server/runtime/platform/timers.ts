/**
 * setTimeout, setInterval and their clear functions for the isolate, which has no timers of its
 * own. Each timer asks the host to `sleep(id, ms)` (an async Callback that resolves when the time
 * is up) and runs its callback when the answer is `elapsed`; clearing a timer tells the host to
 * stop waiting. An interval sleeps again after each run.
 *
 * Timer ids are numbers, as in browsers and Deno (Node returns objects). A callback that throws
 * is reported to the host, never rethrown. This module must never run a callback after its
 * timer was cleared, and never start a wait the host refused.
 */
import type { PlatformHost, UncaughtErrorReport } from './contract.ts'

type TimerHost = Pick<PlatformHost, 'sleep' | 'cancelSleep'>
type ReportError = (source: UncaughtErrorReport['source'], error: unknown) => void

interface Timer {
  callback: (...args: unknown[]) => void
  args: unknown[]
  delay: number
  repeat: boolean
}

// Node's largest delay; a longer one becomes 1 ms there, and here.
const MAX_DELAY = 2_147_483_647

let host: TimerHost | null = null
let reportError: ReportError = () => {}
let nextId = 1
const active = new Map<number, Timer>()

/** Gives the timers their host; called once by the platform's install. */
export function connectTimers(timerHost: TimerHost, report: ReportError): void {
  host = timerHost
  reportError = report
}

function normalizeDelay(delay: unknown): number {
  const ms = Number(delay)
  if (!Number.isFinite(ms) || ms < 0) return 0
  return ms > MAX_DELAY ? 1 : Math.floor(ms)
}

function wait(id: number, timer: Timer): void {
  if (host === null) throw new Error('Timers are not connected to the host.')
  host.sleep(id, timer.delay).then(
    (outcome) => {
      if (active.get(id) !== timer) return
      if (outcome !== 'elapsed') {
        active.delete(id)
        if (outcome === 'refused') reportError('timer', new RangeError('Too many timers are pending; this one was dropped.'))
        return
      }
      if (!timer.repeat) active.delete(id)
      try {
        timer.callback(...timer.args)
      } catch (error) {
        reportError('timer', error)
      }
      if (timer.repeat && active.get(id) === timer) wait(id, timer)
    },
    (error: unknown) => {
      active.delete(id)
      reportError('timer', error)
    },
  )
}

function schedule(callback: unknown, delay: unknown, args: unknown[], repeat: boolean): number {
  if (typeof callback !== 'function') {
    throw new TypeError('The "callback" argument must be of type function.')
  }
  const id = nextId++
  const timer: Timer = { callback: callback as Timer['callback'], args, delay: normalizeDelay(delay), repeat }
  active.set(id, timer)
  wait(id, timer)
  return id
}

function clear(id: unknown): void {
  const key = Number(id)
  if (!active.delete(key)) return
  host?.cancelSleep(key)
}

export function setTimeout(callback: (...args: any[]) => void, delay?: number, ...args: unknown[]): number {
  return schedule(callback, delay, args, false)
}

export function setInterval(callback: (...args: any[]) => void, delay?: number, ...args: unknown[]): number {
  return schedule(callback, delay, args, true)
}

export function clearTimeout(id?: number): void {
  clear(id)
}

export function clearInterval(id?: number): void {
  clear(id)
}
