/**
 * The exercise workspace, wired to the markup of components/Workspace.astro: code kept in this
 * browser, a sandbox session, the request console and the response, wiring the panels that
 * live in modules of their own (clock, database, results and hints, Tab setting, tab guard).
 * Monaco loads in parallel; until it is ready the stored code is what gets sent.
 */
import { ApiFailure, ServerUnreachable, sandboxApi, type AppResponse, type Diagnostic, type SentRequest } from './api'
import { createSandboxSession } from './session'
import { exerciseStorage } from './storage'
import { loadSolution, SolutionUnavailable } from './solution'
import { markLesson } from '../progress'
import { createClockPanel, describeOffset, formatAppTime } from './clock-panel'
import { h, part } from './dom'
import type { ExerciseHints } from './hint-reveal'
import { logList, renderCheckResults, renderTestRun } from './results'
import { createDatabasePanel } from './database-panel'
import { createInspectorPanel } from './inspector-panel'
import { createTabFocusToggle } from './tab-focus'
import { createTabGuard } from './tab-guard'
import type { CodeEditor } from './editor'
import './test-hook'
import { curlCommand } from '../../../sandbox-server/grading/curl.ts'

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

export async function startWorkspace(root: HTMLElement): Promise<void> {
  const exerciseId = root.dataset.exercise!
  const lessonKey = root.dataset.lessonKey!
  const storage = exerciseStorage(exerciseId)
  const form = part<HTMLFormElement>(root, 'console')
  const method = form.elements.namedItem('method') as HTMLSelectElement
  const path = form.elements.namedItem('path') as HTMLInputElement
  const headersInput = form.elements.namedItem('headers') as HTMLTextAreaElement
  const bodyInput = form.elements.namedItem('body') as HTMLTextAreaElement
  const buttons = {
    send: part<HTMLButtonElement>(root, 'send'),
    grade: part<HTMLButtonElement>(root, 'grade'),
    reset: part<HTMLButtonElement>(root, 'reset'),
    undoReset: part<HTMLButtonElement>(root, 'undo-reset'),
    refreshDb: part<HTMLButtonElement>(root, 'refresh-db'),
    copyCurl: part<HTMLButtonElement>(root, 'copy-curl'),
    start: part<HTMLButtonElement>(root, 'start'),
    compare: part<HTMLButtonElement>(root, 'compare'),
    closeCompare: part<HTMLButtonElement>(root, 'close-compare'),
  }
  // Opened with the button: the editor takes the focus the button had.
  const openedByButton = document.activeElement === buttons.start
  buttons.start.hidden = true
  // A test-writing exercise (Workspace.astro): the app under test, its file tab and Run tests.
  const appSource = root.querySelector('[data-ws="app-under-test"]')?.textContent
  const appUnderTest = appSource ? (JSON.parse(appSource) as string) : undefined
  const runTestsButton = root.querySelector<HTMLButtonElement>('[data-ws="run-tests"]')
  const fileTabs = [...root.querySelectorAll<HTMLButtonElement>('[data-ws="file-tab"]')]
  const hints = JSON.parse(part(root, 'hints').textContent || '{"general":[],"byCheck":{}}') as ExerciseHints

  let code = storage.code() ?? ''
  let editor: CodeEditor | null = null
  let comparison: ReturnType<CodeEditor['openComparison']> | null = null
  let busy = false

  function setStatus(text: string, kind: 'info' | 'error' = 'info') {
    const status = part(root, 'status')
    // The same sentence again (an edit after an edit) is not announced again.
    if (status.textContent !== text) status.textContent = text
    status.dataset.kind = kind
  }

  function showNotice(text: string | null) {
    const notice = part(root, 'notice')
    notice.hidden = text === null
    notice.textContent = text ?? ''
  }

  function codeChanged(text: string) {
    code = text
    storage.saveCode(text)
    markResultsStale()
  }

  /** An edit in the editor: what the status line said was about the code before it. */
  function codeEdited(text: string) {
    codeChanged(text)
    if (!busy) setStatus('Edited. Send a request or run the checks to try your change.')
  }

  /** Results shown for older code stay readable, dimmed, under a note saying they are out of date. */
  function markResultsStale() {
    for (const name of ['checks', 'tests']) {
      const panel = root.querySelector<HTMLElement>(`[data-ws="${name}"]`)
      if (!panel || panel.dataset.stale === 'true' || !panel.querySelector('[data-status]')) continue
      panel.dataset.stale = 'true'
      panel.prepend(h('p', { class: 'ws-stale', 'data-ws': `${name}-stale` }, 'Your code changed since this run: run again to see where it stands.'))
    }
  }

  function setCode(text: string) {
    if (editor)
      editor.setCode(text) // fires onChange, which saves
    else codeChanged(text)
  }

  const session = createSandboxSession({
    exerciseId,
    storage,
    currentCode: () => code,
    onReplaced: () =>
      showNotice(
        'Your sandbox session had ended (it sat idle too long), so you have a new one. Your code is kept; your database was reset to the exercise’s starting data.',
      ),
    onSession: ({ sessionId, liveUrl }) => {
      part(root, 'live-url').textContent = liveUrl
      inspector.watch(sessionId)
      updateCurl()
      // A new session starts on real time.
      void clock.refresh()
    },
  })

  const inspector = createInspectorPanel({ root })
  const database = createDatabasePanel({ root, session, onError: (error, target) => showFailure(error, target, 'Reading the database') })
  const refreshDatabase = () => database.refresh()

  const clock = createClockPanel({
    root,
    session,
    onError: (error) => showFailure(error, part(root, 'response'), 'Moving the clock'),
    onMoved: (message) => setStatus(message),
    allowed: () => guard.working(),
  })

  const guard = createTabGuard({
    root,
    exerciseId,
    onWaiting() {
      editor?.setReadOnly(true)
      setBusy(busy)
      clock.enable(false)
      setStatus('Waiting: this exercise is open in another tab.')
    },
    // The learner chose this tab: it takes up the code and session the other tab left.
    onWorking() {
      session.resync()
      editor?.setReadOnly(false)
      const latest = storage.code()
      if (latest !== null && latest !== code) setCode(latest)
      setBusy(busy)
      clock.enable(true)
      void clock.refresh()
      void refreshDatabase()
      editor?.focus()
      setStatus('You work in this tab now, with the latest code from the other one.')
    },
  })

  function updateCurl() {
    const liveUrl = session.current()?.liveUrl
    if (!liveUrl) return
    const sendsBody = bodyInput.value.trim() && method.value !== 'GET' && method.value !== 'HEAD'
    part(root, 'curl').textContent = curlCommand({
      method: method.value,
      url: new URL(path.value.replace(/^\/*/, '/'), liveUrl).href,
      headers: requestHeaders(),
      body: sendsBody ? bodyInput.value : undefined,
    })
    buttons.copyCurl.disabled = false
  }

  function requestHeaders(): Record<string, string> {
    const headers = parseHeaders(headersInput.value)
    const sendsBody = bodyInput.value.trim() && method.value !== 'GET' && method.value !== 'HEAD'
    if (sendsBody && !headers['content-type']) headers['content-type'] = 'application/json'
    return headers
  }

  function setBusy(on: boolean) {
    busy = on
    // While another tab works on this exercise, nothing here may send or grade.
    const off = on || !guard.working()
    buttons.send.disabled = off
    buttons.grade.disabled = off
    buttons.reset.disabled = off
    if (runTestsButton) runTestsButton.disabled = off
    root.dataset.busy = String(on)
  }

  /** Shows compile errors beside the editor and as markers on their lines. */
  function showDiagnostics(diagnostics: Diagnostic[]) {
    editor?.showDiagnostics(diagnostics)
    const box = part(root, 'diagnostics')
    box.hidden = diagnostics.length === 0
    if (diagnostics.length === 0) return box.replaceChildren()
    const list = h('ul')
    for (const diagnostic of diagnostics) {
      const jump = h('button', { type: 'button' }, `line ${diagnostic.line}, column ${diagnostic.column}`)
      jump.addEventListener('click', () => editor?.revealLine(diagnostic.line, diagnostic.column))
      list.append(h('li', {}, jump, `: ${diagnostic.message}`))
    }
    box.replaceChildren(h('p', {}, h('strong', {}, 'Your code does not compile.'), ' Fix these, then send again:'), list)
  }

  /** Turns any failure into what the learner sees; returns false so callers can stop. */
  function showFailure(error: unknown, target: HTMLElement, what: string): void {
    if (error instanceof ServerUnreachable) {
      setStatus(error.message, 'error')
      target.replaceChildren(h('div', { class: 'ws-error', 'data-error': 'unreachable' }, h('p', {}, error.message)))
      return
    }
    if (!(error instanceof ApiFailure)) throw error
    if (error.code === 'compile_error') {
      showDiagnostics((error.body.error?.diagnostics as Diagnostic[]) ?? [])
      setStatus('Your code does not compile: see the problems under the editor.', 'error')
      target.replaceChildren(h('div', { class: 'ws-error', 'data-error': 'compile_error' }, h('p', {}, error.message)))
      return
    }
    if (error.code === 'limit_exceeded') {
      const limit = String(error.body.error?.limit ?? '')
      const box = h(
        'div',
        { class: 'ws-error limit', 'data-error': 'limit_exceeded', 'data-limit': limit, role: 'alert' },
        h('p', {}, h('strong', {}, 'Limit hit. '), error.message),
        h('p', { class: 'muted' }, 'Your app was stopped and starts fresh on the next request; your database is kept.'),
      )
      if (error.body.logs?.length) box.append(logList(error.body.logs))
      target.replaceChildren(box)
      setStatus(`${what}: a limit was hit.`, 'error')
      return
    }
    target.replaceChildren(h('div', { class: 'ws-error', 'data-error': error.code, role: 'alert' }, h('p', {}, error.message)))
    setStatus(`${what} failed: ${error.message}`, 'error')
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
    const offset = clock.offsetMs()
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

  async function send() {
    if (!guard.working() || busy) return
    setBusy(true)
    setStatus(`Sending ${method.value} ${path.value}…`)
    const target = part(root, 'response')
    const request: SentRequest = { method: method.value, path: path.value.replace(/^\/*/, '/'), headers: requestHeaders() }
    if (bodyInput.value.trim() && method.value !== 'GET' && method.value !== 'HEAD') request.body = bodyInput.value
    try {
      const response = await session.run((id) => sandboxApi.sendRequest(id, request))
      showDiagnostics([])
      showResponse(response)
      setStatus(`${request.method} ${request.path}: ${response.status}`)
    } catch (error) {
      showFailure(error, target, 'The request')
    } finally {
      setBusy(false)
    }
    await refreshDatabase()
  }

  async function grade() {
    if (!guard.working() || busy) return
    setBusy(true)
    setStatus('Running the checks…')
    const target = part(root, 'checks')
    try {
      // With the hash of the code this tab loaded: the grade is of exactly the code on screen.
      const result = await session.run((id) => sandboxApi.grade(id, session.loadedHash()))
      showDiagnostics([])
      part(root, 'checks').dataset.stale = 'false'
      // The kept grade has its own code: nothing to load for a replay.
      const replay = (check: string) => session.run((id) => sandboxApi.replayCheck(id, check), { withCode: false })
      part(root, 'checks').replaceChildren(...renderCheckResults(result, hints, { replay }))
      if (result.gradable) {
        storage.saveAttempted()
        buttons.compare.hidden = false
      }
      if (result.status === 'pass') markLesson(lessonKey, 'done')
      setStatus(result.status === 'pass' ? 'Every check passes.' : 'Checks ran: see what to fix below.')
    } catch (error) {
      showFailure(error, target, 'Running the checks')
    } finally {
      setBusy(false)
    }
  }

  async function runTests() {
    if (!guard.working() || busy || !runTestsButton) return
    setBusy(true)
    setStatus('Running your tests…')
    const target = part(root, 'tests')
    try {
      const result = await session.run((id) => sandboxApi.runTests(id))
      showDiagnostics([])
      part(root, 'tests').dataset.stale = 'false'
      part(root, 'tests').replaceChildren(...renderTestRun(result, { onLine: (line, column) => editor?.revealLine(line, column) }))
      setStatus(result.failed ? `${result.failed} of your tests fail against the real app.` : 'Your tests pass against the real app.')
    } catch (error) {
      showFailure(error, target, 'Running your tests')
    } finally {
      setBusy(false)
    }
  }

  function selectFile(tab: HTMLButtonElement) {
    for (const each of fileTabs) {
      const selected = each === tab
      each.setAttribute('aria-selected', String(selected))
      each.tabIndex = selected ? 0 : -1
    }
    editor?.showFile(tab.dataset.file!)
  }

  function resetToStarter() {
    if (!guard.working()) return
    const starter = session.starter()
    if (starter === null) return
    storage.saveCodeBeforeReset(code)
    setCode(starter)
    buttons.undoReset.hidden = false
    setStatus('Your code was reset to the starter. “Undo reset” brings yours back.')
  }

  function undoReset() {
    if (!guard.working()) return
    const previous = storage.codeBeforeReset()
    if (previous === null) return
    setCode(previous)
    storage.saveCodeBeforeReset(null)
    buttons.undoReset.hidden = true
    setStatus('Your code is back.')
  }

  /** Opens the diff of the learner's code and the solution; the learner's code is never touched. */
  async function openComparison() {
    if (!editor || comparison) return
    buttons.compare.disabled = true
    setStatus('Loading a solution…')
    try {
      const solution = await loadSolution(exerciseId, session)
      if (fileTabs[0]) selectFile(fileTabs[0])
      part(root, 'editor').hidden = true
      part(root, 'comparison').hidden = false
      root.dataset.comparing = 'true'
      comparison = editor.openComparison({ container: part(root, 'diff'), solution, onEscape: closeComparison })
      buttons.compare.setAttribute('aria-expanded', 'true')
      comparison.focus()
      setStatus('Comparing your code with a solution. “Back to your code” or Escape closes it.')
    } catch (error) {
      if (!(error instanceof SolutionUnavailable)) throw error
      setStatus(error.message, 'error')
    } finally {
      buttons.compare.disabled = false
    }
  }

  function closeComparison() {
    if (!comparison) return
    comparison.close()
    comparison = null
    part(root, 'comparison').hidden = true
    part(root, 'editor').hidden = false
    root.dataset.comparing = 'false'
    buttons.compare.setAttribute('aria-expanded', 'false')
    editor?.focus()
    setStatus('Back to your code.')
  }

  form.addEventListener('submit', (event) => {
    event.preventDefault()
    void send()
  })
  form.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
      event.preventDefault()
      void send()
    }
  })
  form.addEventListener('input', updateCurl)
  buttons.grade.addEventListener('click', () => void grade())
  runTestsButton?.addEventListener('click', () => void runTests())
  for (const [index, tab] of fileTabs.entries()) {
    tab.tabIndex = index === 0 ? 0 : -1
    tab.addEventListener('click', () => selectFile(tab))
    // The tabs pattern: arrow keys move between tabs.
    tab.addEventListener('keydown', (event) => {
      if (event.key !== 'ArrowLeft' && event.key !== 'ArrowRight') return
      const next = fileTabs[(index + (event.key === 'ArrowRight' ? 1 : fileTabs.length - 1)) % fileTabs.length]!
      selectFile(next)
      next.focus()
    })
  }
  buttons.refreshDb.addEventListener('click', () => void refreshDatabase())
  buttons.reset.addEventListener('click', resetToStarter)
  buttons.undoReset.addEventListener('click', undoReset)
  buttons.compare.addEventListener('click', () => (comparison ? closeComparison() : void openComparison()))
  buttons.closeCompare.addEventListener('click', closeComparison)
  buttons.compare.hidden = !storage.attempted()
  buttons.compare.disabled = true
  buttons.undoReset.hidden = storage.codeBeforeReset() === null
  buttons.copyCurl.addEventListener('click', async () => {
    const result = part(root, 'copy-result')
    try {
      await navigator.clipboard.writeText(part(root, 'curl').textContent ?? '')
      result.textContent = 'Copied.'
    } catch {
      result.textContent = 'Select the command and copy it.'
    }
  })
  const tabFocus = createTabFocusToggle({ root, onChange: (on) => editor?.setTabMovesFocus(on) })

  window.__workspace = {
    setCode,
    getCode: () => editor?.getCode() ?? code,
    serverMarkers: () => editor?.serverMarkers() ?? [],
    comparison: () => comparison?.texts() ?? null,
    shownFile: () => editor?.shownFile() ?? (appUnderTest === undefined ? 'app.ts' : 'app.test.ts'),
    typeMarkers: () => editor?.typeMarkers() ?? [],
  }

  // Start Monaco's download now; a session (and the starter) is needed before it can show code.
  setStatus('Starting your sandbox…')
  const editorModule = import('./editor')
  if (session.current()) {
    part(root, 'live-url').textContent = session.current()!.liveUrl
    inspector.watch(session.current()!.sessionId)
    updateCurl()
  }
  try {
    if (!storage.code() || !session.starter()) await session.ensure()
  } catch (error) {
    showFailure(error, part(root, 'response'), 'Starting the sandbox')
  }
  if (!storage.code()) codeChanged(session.starter() ?? '')
  if (path.value === '/' && exerciseId) path.value = guessPath(appUnderTest ?? code)
  updateCurl()

  try {
    const { createCodeEditor } = await editorModule
    editor = createCodeEditor({
      container: part(root, 'editor'),
      code,
      onChange: codeEdited,
      onSend: () => void send(),
      tabMovesFocus: tabFocus.on(),
      appUnderTest,
      onRunTests: appUnderTest === undefined ? undefined : () => void runTests(),
      readOnly: !guard.working(),
      onTabMovesFocusToggled: (on) => {
        tabFocus.set(on)
        setStatus(on ? 'Tab now moves the focus out of the editor (Ctrl+M again: Tab types a tab).' : 'Tab now types a tab in the editor.')
      },
    })
  } catch (error) {
    setStatus('The editor could not load. Reload the page to try again.', 'error')
    throw error
  }
  if (openedByButton) editor.focus()
  buttons.refreshDb.disabled = false
  setBusy(false)
  buttons.compare.disabled = false
  root.dataset.state = 'ready'

  // Load the code now so the live URL answers curl, and show the starting database.
  try {
    // A tab that waits for another loads nothing: the other tab's code is in the session.
    if (!guard.working()) return
    await session.run(async () => {})
    setStatus(
      appUnderTest === undefined
        ? 'Ready. Edit the code, send a request, run the checks.'
        : 'Ready. Write tests in app.test.ts, run them, then run the checks.',
    )
  } catch (error) {
    showFailure(error, part(root, 'response'), 'Loading your code')
  }
  await Promise.all([refreshDatabase(), clock.refresh()])
}

/** The first route path in the code ("/notes"), a useful default for the console. */
function guessPath(code: string): string {
  const match = /app\.(?:get|all)\(\s*['"`](\/[^'"`:]*)/.exec(code)
  return match?.[1] ?? '/'
}
