/**
 * The request console: the method, path, headers and body a learner sends to their app, the
 * curl line that sends the same to the live URL, and the response shown with its status,
 * headers, body, logs and (when the clock was moved) the time the app saw. Sending itself is
 * the workspace's (busy state, failures, the database refresh after): the form asks for it.
 */
import type { AppResponse, SentRequest } from './api'
import { describeOffset, formatAppTime } from './clock-panel'
import { h, part } from './dom'
import { logList } from './results'
import type { SandboxSession } from './session'
import { curlCommand } from '../../../sandbox-server/grading/curl.ts'

export interface RequestConsoleOptions {
  root: HTMLElement
  session: SandboxSession
  /** How far the app's clock is ahead of real time, shown with a response when it is. */
  clockOffsetMs: () => number
  /** The learner asked to send the request (the form's submit, or Ctrl+Enter in it). */
  onSend: () => void
}

/** "Name: value" lines to a headers object; blank lines and lines without ":" are ignored. */
function parseHeaders(text: string): Record<string, string> {
  const headers: Record<string, string> = {}
  for (const line of text.split('\n')) {
    const colon = line.indexOf(':')
    if (colon <= 0) continue
    headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim()
  }
  return headers
}

/** The first route path in the code ("/notes"), a useful default for the console. */
function guessPath(code: string): string {
  const match = /app\.(?:get|all)\(\s*['"`](\/[^'"`:]*)/.exec(code)
  return match?.[1] ?? '/'
}

/**
 * @example
 * const requests = createRequestConsole({ root, session, clockOffsetMs: () => clock.offsetMs(), onSend: () => void send() })
 * const { request } = requests.current()
 * requests.showResponse(await sandboxApi.sendRequest(id, request))
 */
export function createRequestConsole({ root, session, clockOffsetMs, onSend }: RequestConsoleOptions) {
  const form = part<HTMLFormElement>(root, 'console')
  const method = form.elements.namedItem('method') as HTMLSelectElement
  const path = form.elements.namedItem('path') as HTMLInputElement
  const headersInput = form.elements.namedItem('headers') as HTMLTextAreaElement
  const bodyInput = form.elements.namedItem('body') as HTMLTextAreaElement
  const copyCurl = part<HTMLButtonElement>(root, 'copy-curl')

  const sendsBody = () => Boolean(bodyInput.value.trim()) && method.value !== 'GET' && method.value !== 'HEAD'

  function requestHeaders(): Record<string, string> {
    const headers = parseHeaders(headersInput.value)
    if (sendsBody() && !headers['content-type']) headers['content-type'] = 'application/json'
    return headers
  }

  /** Shows the curl line for the request as it stands, once the session has a live URL. */
  function updateCurl() {
    const liveUrl = session.current()?.liveUrl
    if (!liveUrl) return
    part(root, 'curl').textContent = curlCommand({
      method: method.value,
      url: new URL(path.value.replace(/^\/*/, '/'), liveUrl).href,
      headers: requestHeaders(),
      body: sendsBody() ? bodyInput.value : undefined,
    })
    copyCurl.disabled = false
  }

  /** The request as the form has it, and how the status line names it while it is sent. */
  function current(): { request: SentRequest; label: string } {
    const request: SentRequest = { method: method.value, path: path.value.replace(/^\/*/, '/'), headers: requestHeaders() }
    if (sendsBody()) request.body = bodyInput.value
    return { request, label: `${method.value} ${path.value}` }
  }

  function showResponse(response: AppResponse) {
    const target = part(root, 'response')
    const headers = response.headers
    const contentType = headers.find(([name]) => name.toLowerCase() === 'content-type')?.[1] ?? ''
    let body = response.bodyEncoding === 'base64' ? `(binary, base64) ${response.body}` : response.body
    if (contentType.includes('json')) {
      try {
        body = JSON.stringify(JSON.parse(response.body), null, 2)
      } catch {
        // Not valid JSON after all: show it as sent.
      }
    }
    const headerList = h('dl', {})
    for (const [name, value] of headers) headerList.append(h('dt', {}, name), h('dd', {}, value))
    const parts: Node[] = [
      h(
        'p',
        { class: 'ws-status-line', 'data-ws': 'response-status' },
        `${response.status} ${response.statusText}`,
        h('span', { class: 'muted' }, ` · ${response.durationMs} ms`),
      ),
      h('details', {}, h('summary', {}, `Headers (${headers.length})`), headerList),
      // Focusable, so a long body scrolls from the keyboard too.
      body
        ? h('pre', { 'data-ws': 'response-body', tabindex: '0', role: 'region', 'aria-label': 'Response body' }, body)
        : h('p', { class: 'muted' }, '(empty body)'),
    ]
    const offset = clockOffsetMs()
    if (offset > 0) {
      parts.splice(
        1,
        0,
        h(
          'p',
          { class: 'ws-app-time', 'data-ws': 'response-clock' },
          `Your app’s clock: ${formatAppTime(Date.now() + offset)} (${describeOffset(offset)}).`,
        ),
      )
    }
    if (response.logs.length) parts.push(h('h4', {}, 'Logs'), logList(response.logs))
    if (response.droppedLogs) parts.push(h('p', { class: 'muted' }, `${response.droppedLogs} more log lines were dropped.`))
    target.replaceChildren(h('h3', { id: 'response-title' }, 'Response'), ...parts)
  }

  /** A path from the code for a console still at "/", so the first Send shows something. */
  function suggestPath(code: string) {
    if (path.value === '/') path.value = guessPath(code)
  }

  form.addEventListener('submit', (event) => {
    event.preventDefault()
    onSend()
  })
  form.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
      event.preventDefault()
      onSend()
    }
  })
  form.addEventListener('input', updateCurl)
  copyCurl.addEventListener('click', async () => {
    const result = part(root, 'copy-result')
    try {
      await navigator.clipboard.writeText(part(root, 'curl').textContent ?? '')
      result.textContent = 'Copied.'
    } catch {
      result.textContent = 'Select the command and copy it.'
    }
  })

  return { updateCurl, current, showResponse, suggestPath }
}
