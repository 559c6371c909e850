/**
 * An exercise's hints (exercises/<id>/hints.md) for its workspace page, each with its markdown
 * rendered to HTML at build time, code blocks highlighted like the lesson's own.
 */
import { createMarkdownProcessor } from '@astrojs/markdown-remark'
import { parseHints } from '../../sandbox-server/exercises/hints'

const hintFiles = import.meta.glob<string>('../../exercises/*/hints.md', { query: '?raw', import: 'default' })

// One processor for the whole build; the same themes as the lessons (astro.config.mjs).
const processor = createMarkdownProcessor({ shikiConfig: { themes: { light: 'github-light', dark: 'github-dark' } } })

export interface RenderedHint {
  title: string
  /** The markdown, as check results carry it (to find which hint a check points at). */
  text: string
  html: string
}

export async function hintsFor(exerciseId: string): Promise<RenderedHint[]> {
  const load = hintFiles[`../../exercises/${exerciseId}/hints.md`]
  if (!load) return []
  const markdown = await processor
  return Promise.all(parseHints(await load()).map(async ({ title, text }) => ({ title, text, html: (await markdown.render(text)).code })))
}
