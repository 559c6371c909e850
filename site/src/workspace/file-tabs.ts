/**
 * The file tabs of a test-writing exercise (app.test.ts, the learner's, and app.ts, the app
 * under test, read-only), as the ARIA tabs pattern: one tab in the Tab order, arrow keys move
 * between them. An exercise with one file has no tabs, and this does nothing.
 */

export interface FileTabsOptions {
  root: HTMLElement
  /** Shows the tab's file (its `data-file`) in the editor. */
  onSelect: (file: string) => void
}

/**
 * @example
 * const tabs = createFileTabs({ root, onSelect: (file) => editor?.showFile(file) })
 * tabs.selectFirst()
 */
export function createFileTabs({ root, onSelect }: FileTabsOptions) {
  const tabs = [...root.querySelectorAll<HTMLButtonElement>('[data-ws="file-tab"]')]

  function select(tab: HTMLButtonElement) {
    for (const each of tabs) {
      const selected = each === tab
      each.setAttribute('aria-selected', String(selected))
      each.tabIndex = selected ? 0 : -1
    }
    onSelect(tab.dataset.file!)
  }

  for (const [index, tab] of tabs.entries()) {
    tab.tabIndex = index === 0 ? 0 : -1
    tab.addEventListener('click', () => select(tab))
    // The tabs pattern: arrow keys move between tabs.
    tab.addEventListener('keydown', (event) => {
      if (event.key !== 'ArrowLeft' && event.key !== 'ArrowRight') return
      const next = tabs[(index + (event.key === 'ArrowRight' ? 1 : tabs.length - 1)) % tabs.length]!
      select(next)
      next.focus()
    })
  }

  return {
    /** Back to the first tab (the learner's file), if there are tabs. */
    selectFirst() {
      if (tabs[0]) select(tabs[0])
    },
  }
}
