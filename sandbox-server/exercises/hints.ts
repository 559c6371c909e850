/**
 * hints.md: progressive hints, one `## Title` section each (a nudge, then the idea, then nearly
 * the answer), and hints for one check, in a section headed `## check: <the check's name>`
 * (its `### Title` subsections are its hints, in order; without any, the whole section is one).
 * Pure, so the site's build can read hints with the same rules as the server.
 */
export interface Hint {
  title: string
  /** Markdown. */
  text: string
}

/** The hints of one check, from its `## check: <name>` section. */
export interface CheckHints {
  /** The check's name, exactly as checks.ts spells it. */
  check: string
  /** The line of its `## check:` heading in hints.md (1 is the first). */
  line: number
  hints: Hint[]
}

const CHECK_PREFIX = /^check:\s*/i

/** The `## ` sections of hints.md, with their title line's number. */
function sections(markdown: string): { title: string; line: number; body: string }[] {
  const found: { title: string; line: number; body: string }[] = []
  markdown.split('\n').forEach((text, index) => {
    if (text.startsWith('## ')) found.push({ title: text.slice(3).trim(), line: index + 1, body: '' })
    else if (found.length > 0) found.at(-1)!.body += `${text}\n`
  })
  return found
}

/** Splits hints.md into its general `## Title` sections, in order (check sections are left out). */
export function parseHints(markdown: string): Hint[] {
  return sections(markdown)
    .filter(({ title }) => !CHECK_PREFIX.test(title))
    .map(({ title, body }) => ({ title, text: body.trim() }))
}

/**
 * The `## check: <name>` sections of hints.md, each with its hints: one per `### Title`
 * subsection, or the whole section as one hint ("A hint for this check") when it has none.
 *
 * @example
 * parseCheckHints('## check: GET /ping answers pong\n### Look at the status\nIt is 200.\n')
 * // [{ check: 'GET /ping answers pong', line: 1, hints: [{ title: 'Look at the status', text: 'It is 200.' }] }]
 */
export function parseCheckHints(markdown: string): CheckHints[] {
  return sections(markdown)
    .filter(({ title }) => CHECK_PREFIX.test(title))
    .map(({ title, line, body }) => {
      const [intro = '', ...parts] = body.split(/^### /m)
      const hints = parts.map((part) => {
        const [heading = '', ...rest] = part.split('\n')
        return { title: heading.trim(), text: rest.join('\n').trim() }
      })
      if (hints.length === 0 && intro.trim()) hints.push({ title: 'A hint for this check', text: intro.trim() })
      return { check: title.replace(CHECK_PREFIX, '').trim(), line, hints }
    })
}
