/**
 * The exercise workspace, wired to the markup of components/Workspace.astro: code kept in this
 * browser, a sandbox session, sending, grading and running tests with their busy state and
 * failures, wiring the panels that live in modules of their own (request console, clock,
 * database, inspector, compile errors, results and hints, file tabs, solution comparison, Tab
 * setting, tab guard). Monaco loads in parallel; until it is ready the stored code is what gets sent.
 */
import { ApiFailure, ServerUnreachable, sandboxApi, type Diagnostic } from './api'
import { createSandboxSession } from './session'
import { exerciseStorage } from './storage'
import { markLesson } from '../progress'
import { createClockPanel } from './clock-panel'
import { h, part } from './dom'
import type { ExerciseHints } from './hint-reveal'
import { logList, renderCheckResults, renderTestRun } from './results'
import { createDatabasePanel } from './database-panel'
import { createDiagnosticsPanel } from './diagnostics-panel'
import { createFileTabs } from './file-tabs'
import { createInspectorPanel } from './inspector-panel'
import { createRequestConsole } from './request-console'
import { createSolutionComparison } from './solution-comparison'
import { createTabFocusToggle } from './tab-focus'
import { createTabGuard } from './tab-guard'
import type { CodeEditor } from './editor'
import './test-hook'

export async function startWorkspace(root: HTMLElement): Promise<void> {
  const exerciseId = root.dataset.exercise!
  const lessonKey = root.dataset.lessonKey!
  const storage = exerciseStorage(exerciseId)
  const buttons = {
    send: part<HTMLButtonElement>(root, 'send'),
    grade: part<HTMLButtonElement>(root, 'grade'),
    reset: part<HTMLButtonElement>(root, 'reset'),
    undoReset: part<HTMLButtonElement>(root, 'undo-reset'),
    refreshDb: part<HTMLButtonElement>(root, 'refresh-db'),
    start: part<HTMLButtonElement>(root, 'start'),
  }
  // Opened with the button: the editor takes the focus the button had.
  const openedByButton = document.activeElement === buttons.start
  buttons.start.hidden = true
  // A test-writing exercise (Workspace.astro): the app under test, its file tab and Run tests.
  const appSource = root.querySelector('[data-ws="app-under-test"]')?.textContent
  const appUnderTest = appSource ? (JSON.parse(appSource) as string) : undefined
  const runTestsButton = root.querySelector<HTMLButtonElement>('[data-ws="run-tests"]')
  const hints = JSON.parse(part(root, 'hints').textContent || '{"general":[],"byCheck":{}}') as ExerciseHints

  let code = storage.code() ?? ''
  let editor: CodeEditor | null = null
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
      requests.updateCurl()
      // A new session starts on real time.
      void clock.refresh()
    },
  })

  const inspector = createInspectorPanel({ root })
  const diagnostics = createDiagnosticsPanel({ root, editor: () => editor })
  const requests = createRequestConsole({ root, session, clockOffsetMs: () => clock.offsetMs(), onSend: () => void send() })
  const fileTabs = createFileTabs({ root, onSelect: (file) => editor?.showFile(file) })
  const comparison = createSolutionComparison({
    root,
    exerciseId,
    session,
    editor: () => editor,
    showLearnerFile: () => fileTabs.selectFirst(),
    setStatus,
    attempted: storage.attempted(),
  })
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

  /** Turns any failure into what the learner sees; returns false so callers can stop. */
  function showFailure(error: unknown, target: HTMLElement, what: string): void {
    if (error instanceof ServerUnreachable) {
      setStatus(error.message, 'error')
      target.replaceChildren(h('div', { class: 'ws-error', 'data-error': 'unreachable' }, h('p', {}, error.message)))
      return
    }
    if (!(error instanceof ApiFailure)) throw error
    if (error.code === 'compile_error') {
      diagnostics.show((error.body.error?.diagnostics as Diagnostic[]) ?? [])
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

  async function send() {
    if (!guard.working() || busy) return
    setBusy(true)
    const { request, label } = requests.current()
    setStatus(`Sending ${label}…`)
    const target = part(root, 'response')
    try {
      const response = await session.run((id) => sandboxApi.sendRequest(id, request))
      diagnostics.show([])
      requests.showResponse(response)
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
      diagnostics.show([])
      part(root, 'checks').dataset.stale = 'false'
      // The kept grade has its own code: nothing to load for a replay.
      const replay = (check: string) => session.run((id) => sandboxApi.replayCheck(id, check), { withCode: false })
      part(root, 'checks').replaceChildren(...renderCheckResults(result, hints, { replay }))
      if (result.gradable) {
        storage.saveAttempted()
        comparison.offer()
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
      diagnostics.show([])
      part(root, 'tests').dataset.stale = 'false'
      part(root, 'tests').replaceChildren(...renderTestRun(result, { onLine: (line, column) => editor?.revealLine(line, column) }))
      setStatus(result.failed ? `${result.failed} of your tests fail against the real app.` : 'Your tests pass against the real app.')
    } catch (error) {
      showFailure(error, target, 'Running your tests')
    } finally {
      setBusy(false)
    }
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

  buttons.grade.addEventListener('click', () => void grade())
  runTestsButton?.addEventListener('click', () => void runTests())
  buttons.refreshDb.addEventListener('click', () => void refreshDatabase())
  buttons.reset.addEventListener('click', resetToStarter)
  buttons.undoReset.addEventListener('click', undoReset)
  buttons.undoReset.hidden = storage.codeBeforeReset() === null
  const tabFocus = createTabFocusToggle({ root, onChange: (on) => editor?.setTabMovesFocus(on) })

  window.__workspace = {
    setCode,
    getCode: () => editor?.getCode() ?? code,
    serverMarkers: () => editor?.serverMarkers() ?? [],
    comparison: () => comparison.texts(),
    shownFile: () => editor?.shownFile() ?? (appUnderTest === undefined ? 'app.ts' : 'app.test.ts'),
    typeMarkers: () => editor?.typeMarkers() ?? [],
  }

  // Start Monaco's download now; a session (and the starter) is needed before it can show code.
  setStatus('Starting your sandbox…')
  const editorModule = import('./editor')
  if (session.current()) {
    part(root, 'live-url').textContent = session.current()!.liveUrl
    inspector.watch(session.current()!.sessionId)
    requests.updateCurl()
  }
  try {
    if (!storage.code() || !session.starter()) await session.ensure()
  } catch (error) {
    showFailure(error, part(root, 'response'), 'Starting the sandbox')
  }
  if (!storage.code()) codeChanged(session.starter() ?? '')
  if (exerciseId) requests.suggestPath(appUnderTest ?? code)
  requests.updateCurl()

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
  comparison.enable()
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
