/**
 * Whether Tab moves the focus out of the editor or types a tab: one setting for every exercise,
 * shown by the "Tab key moves focus" checkbox and by the line under the editor that says how to
 * leave it. The checkbox and Ctrl+M (in the editor) change the same setting.
 */
import { part } from './dom'
import { tabFocusSetting } from './storage'

export interface TabFocusOptions {
  root: HTMLElement
  /** The editor follows: called with the new setting. */
  onChange: (on: boolean) => void
}

/**
 * @example
 * const tabFocus = createTabFocusToggle({ root, onChange: (on) => editor?.setTabMovesFocus(on) })
 * tabFocus.set(true) // Ctrl+M was pressed in the editor
 */
export function createTabFocusToggle({ root, onChange }: TabFocusOptions) {
  const checkbox = part<HTMLInputElement>(root, 'tab-focus')
  const help = part(root, 'editor-keys')

  function show(on: boolean) {
    checkbox.checked = on
    help.textContent = on
      ? 'Tab moves the focus out of the editor. Ctrl+M (Ctrl+Shift+M on a Mac) in the editor makes Tab type a tab again.'
      : 'In the editor, Tab types a tab. To leave it from the keyboard, press Ctrl+M (Ctrl+Shift+M on a Mac), then Tab; or tick “Tab key moves focus”.'
  }

  checkbox.addEventListener('change', () => {
    tabFocusSetting.set(checkbox.checked)
    show(checkbox.checked)
    onChange(checkbox.checked)
  })
  show(tabFocusSetting.get())

  return {
    on: () => checkbox.checked,
    /** The setting changed from the editor (Ctrl+M): the checkbox and the help follow. */
    set(on: boolean) {
      tabFocusSetting.set(on)
      show(on)
    },
  }
}
