/**
 * Monaco, set up for learner code: TypeScript with the `sandbox` module's types (and Hono's,
 * see editor-types.ts), compile errors from the server shown as markers, light or dark with the
 * OS. Imported only when the workspace starts, so reading a lesson never pays for it.
 *
 * monaco-editor 0.5x moved the TypeScript options from `monaco.languages.typescript` (now a
 * deprecated stub) to the top-level `monaco.typescript` namespace.
 */
import * as monaco from './monaco'
import EditorWorker from 'monaco-editor/editor/editor.worker?worker'
import TypeScriptWorker from 'monaco-editor/language/typescript/ts.worker?worker'
import { editorTypeLibraries } from './editor-types'
import type { Diagnostic } from './api'

self.MonacoEnvironment = {
  getWorker: (_workerId, label) => (label === 'typescript' || label === 'javascript' ? new TypeScriptWorker() : new EditorWorker()),
}

const ts = monaco.typescript
ts.typescriptDefaults.setCompilerOptions({
  target: ts.ScriptTarget.ESNext,
  module: ts.ModuleKind.ESNext,
  moduleResolution: ts.ModuleResolutionKind.NodeJs,
  strict: true,
  noEmit: true,
  allowNonTsExtensions: true,
  lib: ['esnext', 'dom', 'dom.iterable'],
  // JSX as the server compiles it (through hono/jsx); the learner's model is a .tsx file.
  jsx: ts.JsxEmit.ReactJSX,
  jsxImportSource: 'hono/jsx',
})
for (const { path, content } of editorTypeLibraries()) ts.typescriptDefaults.addExtraLib(content, path)
// Every model, not only the one on screen, so app.test.ts resolves `import app from './app'`.
ts.typescriptDefaults.setEagerModelSync(true)

const darkScheme = matchMedia('(prefers-color-scheme: dark)')
// vs-dark, with WCAG AA contrast where axe-core found it short: comments #608b4e on #1e1e1e are
// 4.2:1 (VS Code's own Dark+ uses #6a9955, 5:1), and the grey box behind the word at the cursor
// and its other occurrences took keywords to 3.2:1, so those are outlined instead.
monaco.editor.defineTheme('sandbox-dark', {
  base: 'vs-dark',
  inherit: true,
  rules: [{ token: 'comment', foreground: '6A9955' }],
  colors: {
    'editor.wordHighlightBackground': '#00000000',
    'editor.wordHighlightStrongBackground': '#00000000',
    'editor.wordHighlightBorder': '#8a8a8a',
    'editor.wordHighlightStrongBorder': '#8a8a8a',
  },
})
const theme = () => (darkScheme.matches ? 'sandbox-dark' : 'vs')
darkScheme.addEventListener('change', () => monaco.editor.setTheme(theme()))

export interface CodeEditorOptions {
  container: HTMLElement
  code: string
  onChange: (code: string) => void
  /** Ctrl/Cmd+Enter inside the editor. */
  onSend: () => void
  tabMovesFocus: boolean
  /** Starts read-only (another tab works on this exercise); `setReadOnly` changes it. */
  readOnly?: boolean
  /**
   * In a test-writing exercise: the app under test. The learner's file is then app.test.ts and
   * this one is app.ts beside it, read-only, so `import app from './app'` resolves and completes.
   */
  appUnderTest?: string
  /** Ctrl/Cmd+Shift+Enter inside the editor (run the learner's tests). */
  onRunTests?: () => void
  /**
   * Ctrl+M (Ctrl+Shift+M on a Mac), Monaco's "Tab key moves focus" toggle, handled here so the
   * page's checkbox follows it: called with the new setting, which the editor already uses.
   */
  onTabMovesFocusToggled?: (on: boolean) => void
}

export function createCodeEditor({
  container,
  code,
  onChange,
  onSend,
  tabMovesFocus,
  appUnderTest,
  onRunTests,
  onTabMovesFocusToggled,
  readOnly = false,
}: CodeEditorOptions) {
  let learnerReadOnly = readOnly
  const learnerFile = appUnderTest === undefined ? 'app.ts' : 'app.test.ts'
  // The model is a .tsx file: JSX type-checks through hono/jsx, as the server compiles it.
  const model = monaco.editor.createModel(code, 'typescript', monaco.Uri.parse(`file:///${learnerFile}x`))
  const appModel = appUnderTest === undefined ? undefined : monaco.editor.createModel(appUnderTest, 'typescript', monaco.Uri.parse('file:///app.ts'))
  const learnerLabel =
    appUnderTest === undefined
      ? 'Your app’s code (TypeScript). Ctrl+Enter sends the request; Ctrl+M (Ctrl+Shift+M on a Mac) toggles whether Tab moves focus.'
      : 'Your tests, app.test.ts (TypeScript). Ctrl+Shift+Enter runs them; Ctrl+Enter sends the request; Ctrl+M (Ctrl+Shift+M on a Mac) toggles whether Tab moves focus.'
  container.replaceChildren()
  const editor = monaco.editor.create(container, {
    model,
    theme: theme(),
    automaticLayout: true,
    minimap: { enabled: false },
    fontSize: 14,
    scrollBeyondLastLine: false,
    tabSize: 2,
    tabFocusMode: tabMovesFocus,
    readOnly,
    // Lessons are read on laptops and phones: wrap long lines instead of hiding them.
    wordWrap: 'on',
    // Unused code is not faded: faded text fails WCAG contrast (axe-core, 1.95:1); tsc's
    // "declared but never used" still shows as a hint.
    showUnused: false,
    ariaLabel: learnerLabel,
  })
  model.onDidChangeContent(() => onChange(model.getValue()))
  editor.addCommand(monaco.KeyMod.CtrlCmd | monaco.KeyCode.Enter, onSend)
  if (onRunTests) editor.addCommand(monaco.KeyMod.CtrlCmd | monaco.KeyMod.Shift | monaco.KeyCode.Enter, onRunTests)
  // Monaco's own toggle flips a global flag the editor's option cannot see (and cannot undo when
  // the option is on): these bindings outrank it and flip the option, which the page shows.
  const toggleTabFocus = () => {
    const on = !editor.getOption(monaco.editor.EditorOption.tabFocusMode)
    editor.updateOptions({ tabFocusMode: on })
    onTabMovesFocusToggled?.(on)
  }
  editor.addCommand(monaco.KeyMod.CtrlCmd | monaco.KeyCode.KeyM, toggleTabFocus)
  editor.addCommand(monaco.KeyMod.WinCtrl | monaco.KeyMod.Shift | monaco.KeyCode.KeyM, toggleTabFocus)

  /** Shows the learner's file, or (in a test-writing exercise) the read-only app under test. */
  function showFile(file: string) {
    const showApp = appModel !== undefined && file === 'app.ts'
    editor.setModel(showApp ? appModel : model)
    editor.updateOptions({
      readOnly: showApp || learnerReadOnly,
      ariaLabel: showApp ? 'app.ts, the app under test (read-only).' : learnerLabel,
    })
  }

  return {
    getCode: () => model.getValue(),
    /** Replaces the whole text as one undoable edit. */
    setCode(text: string) {
      if (text === model.getValue()) return
      editor.executeEdits('workspace', [{ range: model.getFullModelRange(), text }])
      editor.pushUndoStop()
    },
    /** Shows the server's compile errors on their lines (an empty list clears them). */
    showDiagnostics(diagnostics: Diagnostic[]) {
      monaco.editor.setModelMarkers(
        model,
        'sandbox',
        diagnostics.map(({ message, line, column }) => ({
          severity: monaco.MarkerSeverity.Error,
          message,
          startLineNumber: line,
          startColumn: column,
          endLineNumber: line,
          endColumn: model.getLineMaxColumn(Math.min(Math.max(line, 1), model.getLineCount())),
        })),
      )
    },
    showFile,
    /** The file the editor shows: the learner's, or app.ts in a test-writing exercise. */
    shownFile: () => (editor.getModel() === model ? learnerFile : 'app.ts'),
    revealLine(line: number, column = 1) {
      showFile(learnerFile)
      editor.revealLineInCenter(line)
      editor.setPosition({ lineNumber: line, column })
      editor.focus()
    },
    /** Read-only while another tab works on the exercise. */
    setReadOnly(on: boolean) {
      learnerReadOnly = on
      showFile(editor.getModel() === model ? learnerFile : 'app.ts')
    },
    setTabMovesFocus(on: boolean) {
      editor.updateOptions({ tabFocusMode: on })
    },
    /**
     * Shows the learner's code (left) beside `solution` (right) in a diff editor inside
     * `container`. Both sides are read-only: the left side is the learner's own model, so it
     * always shows their latest code and nothing here can change it. Escape calls `onEscape`.
     */
    openComparison({ container, solution, onEscape }: { container: HTMLElement; solution: string; onEscape: () => void }) {
      showFile(learnerFile)
      const solutionModel = monaco.editor.createModel(solution, 'typescript', monaco.Uri.parse(`file:///solution/${learnerFile}x`))
      container.replaceChildren()
      const diff = monaco.editor.createDiffEditor(container, {
        theme: theme(),
        automaticLayout: true,
        minimap: { enabled: false },
        fontSize: 14,
        scrollBeyondLastLine: false,
        readOnly: true,
        originalEditable: false,
        showUnused: false,
        tabFocusMode: editor.getOption(monaco.editor.EditorOption.tabFocusMode),
      })
      diff.setModel({ original: model, modified: solutionModel })
      // The diff editor's originalAriaLabel and modifiedAriaLabel reach neither side's text area
      // (axe-core: aria-input-field-name); each side takes its own label this way.
      diff.getOriginalEditor().updateOptions({ ariaLabel: 'Your code (read-only while comparing). Escape closes the comparison.' })
      diff.getModifiedEditor().updateOptions({ ariaLabel: 'A solution (read-only). Escape closes the comparison.' })
      for (const side of [diff.getOriginalEditor(), diff.getModifiedEditor()]) side.addCommand(monaco.KeyCode.Escape, onEscape)
      return {
        focus: () => diff.getModifiedEditor().focus(),
        /** The text each side shows (for tests). */
        texts: () => ({ original: model.getValue(), modified: solutionModel.getValue() }),
        close() {
          // Disposing the diff editor leaves its models alone: the learner's stays with the editor.
          diff.dispose()
          solutionModel.dispose()
          container.replaceChildren()
        },
      }
    },
    /** The editor's own TypeScript diagnostics on the learner's file (for tests). */
    typeMarkers: () =>
      monaco.editor
        .getModelMarkers({ resource: model.uri })
        .filter((marker) => marker.owner !== 'sandbox')
        .map(({ startLineNumber, message }) => ({ line: startLineNumber, message })),
    /** The server's compile errors currently shown as markers (for tests). */
    serverMarkers: () =>
      monaco.editor
        .getModelMarkers({ resource: model.uri, owner: 'sandbox' })
        .map(({ startLineNumber, startColumn, message }) => ({ line: startLineNumber, column: startColumn, message })),
    focus: () => editor.focus(),
  }
}

export type CodeEditor = ReturnType<typeof createCodeEditor>
