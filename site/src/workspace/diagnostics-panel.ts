/**
 * The compile errors under the editor: one line each, a button that moves the editor's cursor
 * to it, and the same errors as markers on their lines in the editor.
 */
import type { Diagnostic } from './api'
import { h, part } from './dom'
import type { CodeEditor } from './editor'

export interface DiagnosticsPanelOptions {
  root: HTMLElement
  /** The editor, once it has loaded (until then, the list alone shows them). */
  editor: () => CodeEditor | null
}

/**
 * @example
 * const diagnostics = createDiagnosticsPanel({ root, editor: () => editor })
 * diagnostics.show([]) // the code compiles: clears the list and the markers
 */
export function createDiagnosticsPanel({ root, editor }: DiagnosticsPanelOptions) {
  /** Shows compile errors beside the editor and as markers on their lines. */
  function show(diagnostics: Diagnostic[]) {
    editor()?.showDiagnostics(diagnostics)
    const box = part(root, 'diagnostics')
    box.hidden = diagnostics.length === 0
    if (diagnostics.length === 0) return box.replaceChildren()
    const list = h('ul')
    for (const diagnostic of diagnostics) {
      const jump = h('button', { type: 'button' }, `line ${diagnostic.line}, column ${diagnostic.column}`)
      jump.addEventListener('click', () => editor()?.revealLine(diagnostic.line, diagnostic.column))
      list.append(h('li', {}, jump, `: ${diagnostic.message}`))
    }
    box.replaceChildren(h('p', {}, h('strong', {}, 'Your code does not compile.'), ' Fix these, then send again:'), list)
  }

  return { show }
}
