/**
 * Comparing with a solution: the "Compare with a solution" button (offered once the learner
 * has run the checks on code that compiles) opens a diff of their code beside the exercise's
 * solution in place of the editor; "Back to your code" or Escape closes it. The learner's code
 * is never touched.
 */
import { part } from './dom'
import type { CodeEditor } from './editor'
import type { SandboxSession } from './session'
import { loadSolution, SolutionUnavailable } from './solution'

export interface SolutionComparisonOptions {
  root: HTMLElement
  exerciseId: string
  session: SandboxSession
  /** The editor, once it has loaded (nothing opens before). */
  editor: () => CodeEditor | null
  /** Shows the learner's own file before the diff opens (see ./file-tabs.ts). */
  showLearnerFile: () => void
  /** Says what happened on the workspace's status line. */
  setStatus: (text: string, kind?: 'info' | 'error') => void
  /** Whether the learner attempted the exercise already: then the button shows from the start. */
  attempted: boolean
}

/**
 * @example
 * const comparison = createSolutionComparison({ root, exerciseId, session, editor: () => editor, showLearnerFile, setStatus, attempted })
 * comparison.offer() // after a gradable run of the checks
 */
export function createSolutionComparison({ root, exerciseId, session, editor, showLearnerFile, setStatus, attempted }: SolutionComparisonOptions) {
  const button = part<HTMLButtonElement>(root, 'compare')
  let comparison: ReturnType<CodeEditor['openComparison']> | null = null

  /** Opens the diff of the learner's code and the solution; the learner's code is never touched. */
  async function open() {
    const shown = editor()
    if (!shown || comparison) return
    button.disabled = true
    setStatus('Loading a solution…')
    try {
      const solution = await loadSolution(exerciseId, session)
      showLearnerFile()
      part(root, 'editor').hidden = true
      part(root, 'comparison').hidden = false
      root.dataset.comparing = 'true'
      comparison = shown.openComparison({ container: part(root, 'diff'), solution, onEscape: close })
      button.setAttribute('aria-expanded', 'true')
      comparison.focus()
      setStatus('Comparing your code with a solution. “Back to your code” or Escape closes it.')
    } catch (error) {
      if (!(error instanceof SolutionUnavailable)) throw error
      setStatus(error.message, 'error')
    } finally {
      button.disabled = false
    }
  }

  function close() {
    if (!comparison) return
    comparison.close()
    comparison = null
    part(root, 'comparison').hidden = true
    part(root, 'editor').hidden = false
    root.dataset.comparing = 'false'
    button.setAttribute('aria-expanded', 'false')
    editor()?.focus()
    setStatus('Back to your code.')
  }

  button.addEventListener('click', () => (comparison ? close() : void open()))
  part<HTMLButtonElement>(root, 'close-compare').addEventListener('click', close)
  button.hidden = !attempted
  // Enabled once the editor has loaded.
  button.disabled = true

  return {
    /** Shows the button (the learner ran the checks on code that compiles). */
    offer() {
      button.hidden = false
    },
    /** The editor has loaded: the button works. */
    enable() {
      button.disabled = false
    },
    /** The two texts in the open diff, or null (for the tests' hook). */
    texts: () => comparison?.texts() ?? null,
  }
}
