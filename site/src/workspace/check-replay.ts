/**
 * The "Replay" button of a failed check, part of the checks panel (results.ts): the check is
 * done again in its grade's kept session, from where it began (the server's
 * grading/replay.ts), and each step is shown as it went: the request sent, what came back (and
 * what came back during the grade), the clock moves, then the curl lines that reproduce it
 * against the kept session. Builds elements only; the API call comes from the caller.
 */
import type { CheckReplay, ReplayStep } from './api'
import { h } from './dom'

/** The clock as the app saw it, to the second, in UTC as the server reports it. */
function clockText(time: number): string {
  return new Date(time)
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d+Z$/, ' UTC')
}

/** A block of text that may scroll: focusable and named, so a keyboard can scroll it (as the response body). */
function scrollable(label: string, attributes: Record<string, string>, ...children: (Node | string)[]): HTMLElement {
  return h('pre', { tabindex: '0', role: 'region', 'aria-label': label, ...attributes }, ...children)
}

function headerLines(headers: [string, string][]): string {
  return headers.map(([name, value]) => `${name}: ${value}`).join('\n')
}

/** One step; `where` (its check and number) keeps the names of its text blocks apart from any other step's. */
function stepItem(step: ReplayStep, where: string): HTMLElement {
  const item = h('li', { 'data-step': step.kind }, h('p', {}, step.description))
  if (step.request) {
    const { method, path, headers, body } = step.request
    const sent = [`${method} ${path}`, headerLines(headers), body === undefined ? '' : `\n${body}`].filter(Boolean).join('\n')
    item.append(h('p', { class: 'muted' }, 'Sent:'), scrollable(`${where}: request ${method} ${path}`, {}, sent))
  }
  if (step.response) {
    const graded = step.gradedStatus === undefined ? '' : ` (in the grade: ${step.gradedStatus})`
    item.append(
      h('p', {}, 'Answered ', h('strong', { 'data-replay': 'status' }, String(step.response.status)), graded, ':'),
      scrollable(`${where}: answer`, {}, step.response.body === '' ? '(empty body)' : step.response.body),
    )
  }
  if (step.error) item.append(h('p', {}, `It stopped: ${step.error}`))
  if (step.kind !== 'sign') item.append(h('p', { class: 'muted' }, `The app's clock: ${clockText(step.clockAt)}`))
  return item
}

/** The replay shown: where it ran, its steps in order, and the curl lines. */
export function renderReplay(replay: CheckReplay): Node[] {
  const until = new Date(replay.expiresAt).toLocaleTimeString()
  const intro = h(
    'p',
    {},
    `Done again in the session kept from this grade (${replay.livePathUrl ?? replay.gradeSessionId}, kept until ${until}), from where the check began: its database, cache and clock at ${clockText(replay.startedAt)}. `,
    replay.sameAsGrade ? 'Every request got the answer it got in the grade.' : 'Some answers differ from the grade: see each step.',
  )
  const steps = h(
    'ol',
    { class: 'ws-replay-steps', 'aria-label': `${replay.check}: replayed steps` },
    ...replay.steps.map((step, index) => stepItem(step, `${replay.check}, step ${index + 1}`)),
  )
  const parts: Node[] = [intro, steps]
  if (replay.curl?.length) {
    parts.push(
      h('p', {}, 'Reproduce it yourself with curl, against the kept session (the first line puts it back where the check began, clock included):'),
      scrollable(`${replay.check}: curl lines`, { 'data-replay': 'curl' }, h('code', {}, replay.curl.join('\n'))),
    )
  }
  return parts
}

/**
 * A "Replay this check" button and the box its replay appears in. `replay` asks the server;
 * a failure (the kept grade was let go) is shown in the box in its own words.
 *
 * @example
 * body.append(replayButton(test.name, (name) => session.run((id) => sandboxApi.replayCheck(id, name))))
 */
export function replayButton(checkName: string, replay: (checkName: string) => Promise<CheckReplay>): HTMLElement {
  const box = h('div', { class: 'ws-replay', 'data-ws': 'replay' })
  const button = h('button', { type: 'button' }, 'Replay this check')
  const shown = h('div', { 'aria-live': 'polite' })
  button.addEventListener('click', async () => {
    button.setAttribute('disabled', '')
    shown.replaceChildren(h('p', { class: 'muted' }, 'Replaying…'))
    try {
      const done = await replay(checkName)
      const heading = h('h4', { tabindex: '-1' }, 'Replay')
      shown.replaceChildren(heading, ...renderReplay(done))
      heading.focus()
      button.textContent = 'Replay again'
    } catch (error) {
      shown.replaceChildren(h('p', { 'data-replay': 'error' }, error instanceof Error ? error.message : String(error)))
    } finally {
      button.removeAttribute('disabled')
    }
  })
  box.append(button, shown)
  return box
}
