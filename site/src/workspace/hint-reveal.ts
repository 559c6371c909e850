/**
 * The hints a failed check offers, one at a time: first the check's own hints (hints.md's
 * `## check: <name>` section), then the exercise's general hints in order (a nudge first) up to
 * the one the check points at, so the first click never gives the whole answer.
 */
import { h } from './dom'

export interface ShownHint {
  title: string
  /** Markdown, as check results carry it. */
  text: string
  /** The site's own hints.md rendered at build time (Workspace.astro), never learner input. */
  html?: string
}

export interface ExerciseHints {
  general: ShownHint[]
  byCheck: Record<string, ShownHint[]>
}

/** The hints offered for a check, in the order they are shown. */
export function hintsForCheck(hints: ExerciseHints, checkName: string, checkHint: string | undefined): ShownHint[] {
  const own = hints.byCheck[checkName] ?? []
  const upTo = checkHint === undefined ? -1 : hints.general.findIndex((hint) => hint.text === checkHint)
  const general = upTo >= 0 ? hints.general.slice(0, upTo + 1) : checkHint === undefined ? [] : [{ title: 'Hint', text: checkHint }]
  return [...own, ...general]
}

/**
 * A "Show a hint" button for a check that did not pass, revealing its hints one at a time,
 * each marked as the check's own (`data-hint-for="check"`) or a general one; null when the
 * check has no hint at all.
 *
 * @example
 * const reveal = hintReveal(hints, { name: test.name, hint: test.hint })
 * if (reveal) body.append(reveal)
 */
export function hintReveal(hints: ExerciseHints, check: { name: string; hint?: string }): HTMLElement | null {
  const offered = hintsForCheck(hints, check.name, check.hint)
  if (offered.length === 0) return null
  const ownCount = hints.byCheck[check.name]?.length ?? 0
  const box = h('div', { class: 'ws-hints' })
  const button = h('button', { type: 'button' })
  let shown = 0
  const label = () => {
    button.textContent = shown === 0 ? 'Show a hint' : `Show the next hint (${shown + 1} of ${offered.length})`
    button.hidden = shown >= offered.length
  }
  button.addEventListener('click', () => {
    const { title, text, html } = offered[shown]!
    const body = h('div')
    if (html) body.innerHTML = html
    else body.textContent = text
    const kind = shown < ownCount ? 'check' : 'general'
    box.insertBefore(h('div', { class: 'ws-hint', 'data-hint': String(shown + 1), 'data-hint-for': kind }, h('h4', {}, title), body), button)
    shown += 1
    label()
    if (!button.hidden) button.focus()
  })
  label()
  box.append(button)
  return box
}
