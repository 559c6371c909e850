/**
 * The request inspector (components/InspectorPanel.astro): every request the learner's app
 * answers, from curl, a browser, the request console or anything else that reaches its live
 * URL, as it happens, newest first; each opens to show the request, the response and the lines
 * the app logged. Lines logged outside any request (a timer after its response, loading the
 * code) are rows of their own. The server streams them (`GET /api/sessions/:id/events`,
 * server-sent events, sandbox-server/http/activity-stream.ts); the browser's EventSource
 * reconnects by itself and resumes where it stopped. The list keeps the newest MAX_ROWS rows.
 */
import type { Activity, BodyPreview, LogActivity, RequestActivity } from '../../../sandbox-server/sessions/activity'
import { h, part } from './dom'
import { logList } from './results'

/** Rows the list keeps; older ones go as new ones come. */
const MAX_ROWS = 100

const VIA_LABELS: Record<RequestActivity['via'], string> = { live: 'live URL', console: 'console', check: 'check', other: 'other' }

function timeOf(at: number): HTMLElement {
  return h('time', { datetime: new Date(at).toISOString() }, new Date(at).toLocaleTimeString())
}

function headerList(headers: [string, string][]): HTMLElement {
  if (headers.length === 0) return h('p', { class: 'muted' }, '(no headers)')
  const list = h('dl', { class: 'ws-inspector-headers' })
  for (const [name, value] of headers) list.append(h('dt', {}, name), h('dd', {}, value))
  return list
}

function bodyView(body: BodyPreview, label: string): HTMLElement {
  if (body.bytes === 0) return h('p', { class: 'muted' }, '(empty body)')
  if (body.binary) return h('p', { class: 'muted' }, `(${body.bytes} bytes of binary data)`)
  const note = body.truncated ? h('p', { class: 'muted' }, `The first ${new TextEncoder().encode(body.text).byteLength} of ${body.bytes} bytes.`) : ''
  // Focusable, so a long body scrolls from the keyboard too.
  return h('div', {}, h('pre', { tabindex: '0', role: 'region', 'aria-label': label }, body.text), note)
}

function logsView(entry: { logs: LogActivity['logs']; droppedLogs: number }): Node[] {
  const parts: Node[] = entry.logs.length > 0 ? [logList(entry.logs)] : [h('p', { class: 'muted' }, 'Nothing logged.')]
  if (entry.droppedLogs > 0) parts.push(h('p', { class: 'muted' }, `${entry.droppedLogs} more lines were left out.`))
  return parts
}

function requestRow(event: RequestActivity): HTMLElement {
  const outcome = event.status === undefined ? 'failed' : String(event.status)
  const kind = event.status === undefined || event.status >= 500 ? 'error' : event.status >= 400 ? 'warn' : 'ok'
  const summary = h(
    'summary',
    {},
    h('span', { class: 'ws-inspector-method' }, event.method),
    ' ',
    h('span', { class: 'ws-inspector-path' }, event.path),
    ' ',
    h('span', { class: 'ws-inspector-status', 'data-kind': kind }, outcome),
    ' ',
    h('span', { class: 'muted' }, `${VIA_LABELS[event.via]} · `, timeOf(event.at), ` · ${event.durationMs} ms`),
  )
  const body = h(
    'div',
    { class: 'ws-inspector-body' },
    h('h4', {}, 'Request'),
    h('p', { class: 'mono' }, `${event.method} ${event.path}`),
    headerList(event.requestHeaders),
    bodyView(event.requestBody, `Body of ${event.method} ${event.path}`),
    h('h4', {}, 'Response'),
  )
  if (event.error) body.append(h('p', { class: 'ws-inspector-error' }, event.error))
  else
    body.append(
      h('p', { class: 'mono' }, `Status ${event.status}`),
      headerList(event.responseHeaders),
      bodyView(event.responseBody, `Response to ${event.method} ${event.path}`),
    )
  body.append(h('h4', {}, 'Logs'), ...logsView(event))
  return h('details', { 'data-kind': 'request' }, summary, body)
}

function logRow(event: LogActivity): HTMLElement {
  const lines = `${event.logs.length} ${event.logs.length === 1 ? 'line' : 'lines'}`
  const what =
    event.source === 'load' ? (event.error ? 'Loading your code failed' : `Loading your code logged ${lines}`) : `Logged outside a request: ${lines}`
  const summary = h(
    'summary',
    {},
    h('span', { class: 'ws-inspector-method' }, 'LOG'),
    ' ',
    what,
    ' ',
    h('span', { class: 'muted' }, '· ', timeOf(event.at)),
  )
  const body = h('div', { class: 'ws-inspector-body' })
  if (event.error) body.append(h('p', { class: 'ws-inspector-error' }, event.error))
  if (event.source === 'background')
    body.append(h('p', { class: 'muted' }, 'Written by a timer or promise after its response went, or another line no request was running for.'))
  body.append(...logsView(event))
  return h('details', { 'data-kind': 'logs', 'data-source': event.source }, summary, body)
}

export interface InspectorPanelOptions {
  root: HTMLElement
}

/**
 * Wires the inspector panel; `watch` points it at a session (again after the session changes).
 *
 * @example
 * const inspector = createInspectorPanel({ root })
 * inspector.watch(sessionId)
 */
export function createInspectorPanel({ root }: InspectorPanelOptions) {
  const list = part<HTMLOListElement>(root, 'inspector-list')
  const empty = part(root, 'inspector-empty')
  const state = part(root, 'inspector-state')
  const clear = part<HTMLButtonElement>(root, 'inspector-clear')
  let source: EventSource | undefined
  let watching: string | undefined

  function setState(text: string) {
    if (state.textContent !== text) state.textContent = text
  }

  function add(event: Activity, id: string) {
    const row = h('li', { 'data-event-id': id }, event.kind === 'request' ? requestRow(event) : logRow(event))
    if (event.skipped)
      row.append(h('p', { class: 'muted' }, `${event.skipped} earlier events were not shown: your app had more than the inspector keeps up with.`))
    list.prepend(row)
    while (list.children.length > MAX_ROWS) list.lastElementChild!.remove()
    empty.hidden = true
    clear.disabled = false
  }

  clear.addEventListener('click', () => {
    list.replaceChildren()
    empty.hidden = false
    clear.disabled = true
  })
  clear.disabled = true

  return {
    /** Follows this session's activity (a new session: its list starts empty). */
    watch(sessionId: string) {
      if (sessionId === watching && source && source.readyState !== EventSource.CLOSED) return
      source?.close()
      if (sessionId !== watching) list.replaceChildren()
      empty.hidden = list.children.length > 0
      watching = sessionId
      setState('Connecting…')
      const opened = new EventSource(`/api/sessions/${sessionId}/events`)
      source = opened
      opened.addEventListener('ready', () => setState('Live: new requests appear as they arrive.'))
      opened.addEventListener('activity', (message) => {
        // A replay after a reconnect may repeat what is shown.
        if (list.querySelector(`[data-event-id="${CSS.escape(message.lastEventId)}"]`)) return
        add(JSON.parse(message.data) as Activity, message.lastEventId)
      })
      opened.addEventListener('end', () => {
        opened.close()
        setState('Your session ended: the next request starts a new one.')
      })
      opened.addEventListener('error', () => {
        // EventSource retries by itself unless the server refused the stream (an unknown session, too many watchers).
        setState(opened.readyState === EventSource.CLOSED ? 'Not connected: it reconnects when your session changes.' : 'Reconnecting…')
      })
    },
    /** The session the panel follows, if any. */
    watching: () => watching,
  }
}

export type InspectorPanel = ReturnType<typeof createInspectorPanel>
