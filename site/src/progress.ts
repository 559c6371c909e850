/**
 * The learner's progress, kept in this browser only: one entry per lesson key
 * ("database-whisperer/rows-in-rows-out"), "started" when the page was opened, "done" when
 * every check passed. Tiny on purpose: reading pages import it.
 */
export type LessonProgress = 'started' | 'done'

const STORAGE_KEY = 'backend-sandbox:progress'

export function readProgress(): Record<string, LessonProgress> {
  try {
    return JSON.parse(localStorage.getItem(STORAGE_KEY) ?? '{}') ?? {}
  } catch {
    return {}
  }
}

/** Records progress; never downgrades "done" to "started". */
export function markLesson(key: string, state: LessonProgress): void {
  const progress = readProgress()
  if (progress[key] === 'done' && state === 'started') return
  progress[key] = state
  try {
    localStorage.setItem(STORAGE_KEY, JSON.stringify(progress))
  } catch {
    // Storage full or blocked: progress is a nicety, the lesson still works.
  }
}

const LABELS: Record<LessonProgress | 'none', string> = { none: 'Not started', started: 'Started', done: 'Done' }

/** Fills every `[data-progress-for]` element with that lesson's state (text, not colour alone). */
export function showProgress(root: ParentNode = document): void {
  const progress = readProgress()
  for (const element of root.querySelectorAll<HTMLElement>('[data-progress-for]')) {
    const state = progress[element.dataset.progressFor!] ?? 'none'
    element.textContent = LABELS[state]
    element.dataset.state = state
  }
  for (const element of root.querySelectorAll<HTMLElement>('[data-progress-count]')) {
    const keys = element.dataset.progressCount!.split(' ').filter(Boolean)
    const done = keys.filter((key) => progress[key] === 'done').length
    element.textContent = `${done} of ${keys.length} done`
  }
}

const LAST_LESSON_KEY = 'backend-sandbox:last-lesson'

/** The lesson opened last in this browser, for the home page's "Continue". */
export interface LastLesson {
  url: string
  title: string
}

export function rememberLastLesson(lesson: LastLesson): void {
  try {
    localStorage.setItem(LAST_LESSON_KEY, JSON.stringify(lesson))
  } catch {
    // Storage full or blocked: the home page simply offers no "Continue".
  }
}

export function lastLesson(): LastLesson | null {
  try {
    const value = JSON.parse(localStorage.getItem(LAST_LESSON_KEY) ?? 'null')
    // Only a path on this site: the link must never lead elsewhere.
    return typeof value?.url === 'string' && value.url.startsWith('/') && !value.url.startsWith('//') && typeof value.title === 'string'
      ? value
      : null
  } catch {
    return null
  }
}
