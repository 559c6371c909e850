/**
 * One tab at a time per exercise. Two tabs on one exercise share its code (localStorage) and its
 * sandbox session, so working in both would mix them: a request from one tab would run the
 * other's code. Tabs talk over a BroadcastChannel: a tab that opens while another already works
 * on the exercise is told so and waits, read-only, until the learner chooses to work there;
 * taking over sends the other tab into the same waiting state. Nothing is overwritten without
 * that choice: a waiting tab edits and sends nothing, and takes up the latest code when chosen.
 * When the working tab goes away, a waiting one is told (through a storage event) and still waits.
 */
import { part } from './dom'

type TabMessage =
  /** A tab started on this exercise and asks who is working. */
  | { type: 'opened'; tab: string }
  /** The tab working on this exercise since `since` (a tie between two new tabs goes to the older). */
  | { type: 'working'; tab: string; since: number }
  /** The learner chose to work in `tab`: every other tab waits. */
  | { type: 'take-over'; tab: string }

export interface TabGuardOptions {
  root: HTMLElement
  exerciseId: string
  /** This tab may work again (the learner chose it): take up the latest code and session. */
  onWorking: () => void
  /** Another tab works on the exercise: stop editing and sending here. */
  onWaiting: () => void
}

/**
 * @example
 * const guard = createTabGuard({ root, exerciseId, onWorking: resume, onWaiting: pause })
 * if (guard.working()) await send()
 */
export function createTabGuard({ root, exerciseId, onWorking, onWaiting }: TabGuardOptions) {
  const notice = part(root, 'tab-notice')
  const message = part(root, 'tab-notice-text')
  const takeOver = part<HTMLButtonElement>(root, 'take-over')
  const tab = crypto.randomUUID()
  let since = Date.now()
  let working = true
  // Without BroadcastChannel (very old browsers) every tab works, as before.
  const channel = typeof BroadcastChannel === 'function' ? new BroadcastChannel(`backend-sandbox:exercise:${exerciseId}`) : null

  function wait(text: string) {
    if (!working) return
    working = false
    root.dataset.tab = 'waiting'
    message.textContent = text
    notice.hidden = false
    onWaiting()
  }

  function work() {
    working = true
    since = Date.now()
    root.dataset.tab = 'working'
    notice.hidden = true
    channel?.postMessage({ type: 'take-over', tab } satisfies TabMessage)
    onWorking()
  }

  channel?.addEventListener('message', ({ data }: MessageEvent<TabMessage>) => {
    if (data.tab === tab) return
    if (data.type === 'opened' && working) channel.postMessage({ type: 'working', tab, since } satisfies TabMessage)
    if (data.type === 'working' && (data.since < since || (data.since === since && data.tab < tab))) {
      wait('This exercise is open in another tab of this browser. To keep your code from mixing, one tab works on it at a time: this one is waiting.')
    }
    if (data.type === 'take-over')
      wait('You went on working in another tab, so this one is waiting: its code may be older than what you wrote there.')
  })
  takeOver.addEventListener('click', work)
  // Leaving is said through storage: a message posted on the channel while the page goes away
  // is dropped. A waiting tab is not switched over by itself: the learner chooses, as always.
  const leftKey = `backend-sandbox:tab-left:${exerciseId}`
  addEventListener('pagehide', () => {
    if (!working) return
    try {
      localStorage.setItem(leftKey, JSON.stringify({ type: 'closed', tab, at: Date.now() }))
    } catch {
      // Blocked storage: the waiting tab just keeps its first message.
    }
  })
  addEventListener('storage', (event) => {
    if (event.key === leftKey && !working)
      message.textContent = 'The tab that was working on this exercise was closed or left it. Work in this tab to go on.'
  })
  root.dataset.tab = 'working'
  channel?.postMessage({ type: 'opened', tab } satisfies TabMessage)

  return {
    /** Whether this tab may edit, send and run checks now. */
    working: () => working,
  }
}
