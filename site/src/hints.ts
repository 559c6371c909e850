/**
 * An exercise's hints (exercises/<id>/hints.md) for its workspace page, each with its markdown
 * rendered to HTML at build time, code blocks highlighted like the lesson's own: the general
 * hints in order, and the hints of each check named by a `## check: <name>` section.
 */
import { createMarkdownProcessor } from '@astrojs/markdown-remark'
import { parseCheckHints, parseHints, type Hint } from '../../sandbox-server/exercises/hints'

const hintFiles = import.meta.glob<string>('../../exercises/*/hints.md', { query: '?raw', import: 'default' })

// One processor for the whole build; the same themes as the lessons (astro.config.mjs).
const processor = createMarkdownProcessor({ shikiConfig: { themes: { light: 'github-light-default', dark: 'github-dark-default' } } })

export interface RenderedHint {
  title: string
  /** The markdown, as check results carry it (to find which hint a check points at). */
  text: string
  html: string
}

export interface ExerciseHints {
  general: RenderedHint[]
  /** Check name to that check's own hints, offered before the general ones. */
  byCheck: Record<string, RenderedHint[]>
}

export async function hintsFor(exerciseId: string): Promise<ExerciseHints> {
  const load = hintFiles[`../../exercises/${exerciseId}/hints.md`]
  if (!load) return { general: [], byCheck: {} }
  const markdown = await processor
  const render = (hints: Hint[]) => Promise.all(hints.map(async ({ title, text }) => ({ title, text, html: (await markdown.render(text)).code })))
  const source = await load()
  const byCheck: Record<string, RenderedHint[]> = {}
  for (const { check, hints } of parseCheckHints(source)) byCheck[check] = [...(byCheck[check] ?? []), ...(await render(hints))]
  return { general: await render(parseHints(source)), byCheck }
}
