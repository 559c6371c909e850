/**
 * The lesson text beside the workspace on wide screens: a vertical separator between them that
 * a pointer drags and the keyboard moves (arrows by 2%, Page Up/Down by 10%, Home/End to the
 * limits), as the WAI-ARIA window splitter pattern describes. The width is kept in this browser.
 */
const STORAGE_KEY = 'backend-sandbox:split'
const MIN = 25
const MAX = 60
const DEFAULT = 38

function stored(): number {
  try {
    const value = Number(localStorage.getItem(STORAGE_KEY))
    return value >= MIN && value <= MAX ? value : DEFAULT
  } catch {
    return DEFAULT
  }
}

/**
 * Wires `[data-split]`'s separator: `--split` on the container is the text's share in percent.
 *
 * @example
 * for (const split of document.querySelectorAll<HTMLElement>('[data-split]')) createSplit(split)
 */
export function createSplit(container: HTMLElement) {
  const handle = container.querySelector<HTMLElement>('[role="separator"]')
  if (!handle) return
  let percent = stored()

  function set(value: number, save = true) {
    percent = Math.round(Math.min(MAX, Math.max(MIN, value)) * 10) / 10
    container.style.setProperty('--split', `${percent}%`)
    handle!.setAttribute('aria-valuenow', String(Math.round(percent)))
    handle!.setAttribute('aria-valuetext', `lesson text ${Math.round(percent)}% of the width`)
    if (!save) return
    try {
      localStorage.setItem(STORAGE_KEY, String(percent))
    } catch {
      // Blocked storage: the split still works, it is just not remembered.
    }
  }

  handle.addEventListener('keydown', (event) => {
    const steps: Record<string, number> = { ArrowLeft: -2, ArrowRight: 2, PageUp: 10, PageDown: -10 }
    if (event.key in steps) set(percent + steps[event.key]!)
    else if (event.key === 'Home') set(MIN)
    else if (event.key === 'End') set(MAX)
    else return
    event.preventDefault()
  })
  handle.addEventListener('pointerdown', (event) => {
    handle.setPointerCapture(event.pointerId)
    const move = (moved: PointerEvent) => {
      const box = container.getBoundingClientRect()
      set(((moved.clientX - box.left) / box.width) * 100)
    }
    const stop = () => {
      handle.removeEventListener('pointermove', move)
      handle.removeEventListener('pointerup', stop)
    }
    handle.addEventListener('pointermove', move)
    handle.addEventListener('pointerup', stop)
  })
  set(percent, false)
}
