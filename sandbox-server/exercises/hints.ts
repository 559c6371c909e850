/**
 * hints.md: progressive hints, one `## Title` section each (a nudge, then the idea, then nearly
 * the answer). Pure, so the site's build can read hints with the same rules as the server.
 */
export interface Hint {
  title: string
  /** Markdown. */
  text: string
}

/** Splits hints.md into its `## Title` sections, in order. */
export function parseHints(markdown: string): Hint[] {
  const hints: Hint[] = []
  for (const section of markdown.split(/^## /m).slice(1)) {
    const [title = '', ...body] = section.split('\n')
    hints.push({ title: title.trim(), text: body.join('\n').trim() })
  }
  return hints
}
