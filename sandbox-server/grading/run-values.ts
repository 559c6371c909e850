/**
 * Values the learner's app makes up during one grading run (tokens, random ids, session
 * cookies) differ on every run, and mean nothing outside it: a token signed with the grading
 * session's key is refused by the learner's own app. So results name them by where they came
 * from, `<token from POST /login>`, and the same submission gets the same results, byte for
 * byte, every time it is graded. Values the checks sent themselves are kept as they are.
 */

/** Looks like a generated value: 16 or more characters of the kinds tokens and ids use, no spaces. */
const GENERATED = /^[\w\-.~+/=:]{16,}$/

/** A named value with token characters glued to either side of it. */
const ALTERED = /([\w\-.~+]*)<([^<>]+ from [^<>]+)>([\w\-.~+]*)/g

export interface RunValues {
  /** Remembers the generated values of one response (its JSON strings, its cookies). */
  learn(origin: string, response: { headers: Headers; json: unknown }, sent: string): void
  /** `text` with every remembered value replaced by its name; undefined stays undefined. */
  redact<T extends string | undefined>(text: T): T
}

/**
 * @example
 * const values = createRunValues()
 * values.learn('POST /login', { headers, json: { token: 'eyJhbGciOi...' } }, '{"username":"ada"}')
 * values.redact("curl -H 'authorization: Bearer eyJhbGciOi...'") // "curl -H 'authorization: Bearer <token from POST /login>'"
 */
export function createRunValues(): RunValues {
  const names = new Map<string, string>()
  let longestFirst: [string, string][] = []

  function remember(value: string, name: string, origin: string, sent: string) {
    if (!GENERATED.test(value) || names.has(value) || sent.includes(value)) return
    const label = `<${name} from ${origin.replace(/<[^<>]*>/g, '…')}>`
    names.set(value, label)
    // Its parts too (a signature, a payload), so a token a check altered is named as well.
    for (const part of value.split('.')) if (part !== value && GENERATED.test(part) && !names.has(part)) names.set(part, label)
    longestFirst = [...names].sort(([a], [b]) => b.length - a.length)
  }

  function walk(value: unknown, key: string, visit: (text: string, key: string) => void, depth = 0) {
    if (depth > 20) return
    if (typeof value === 'string') visit(value, key)
    else if (Array.isArray(value)) value.forEach((item) => walk(item, key, visit, depth + 1))
    else if (value && typeof value === 'object') for (const [name, item] of Object.entries(value)) walk(item, name, visit, depth + 1)
  }

  return {
    learn(origin, { headers, json }, sent) {
      walk(json, 'value', (text, key) => remember(text, key, origin, sent))
      for (const cookie of headers.getSetCookie()) {
        const [name = '', ...rest] = (cookie.split(';')[0] ?? '').split('=')
        remember(rest.join('='), `cookie ${name.trim()}`, origin, sent)
      }
    },
    redact<T extends string | undefined>(text: T): T {
      if (text === undefined || names.size === 0) return text
      let redacted: string = text
      for (const [value, name] of longestFirst) redacted = redacted.replaceAll(value, name)
      // What a check built around a value (another role and time before its signature) is that value, altered.
      return redacted.replace(ALTERED, (_, before: string, name: string, after: string) =>
        before || after ? `<${name}, altered>` : `<${name}>`,
      ) as T
    },
  }
}
