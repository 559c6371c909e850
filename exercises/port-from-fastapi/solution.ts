import { Hono, type Context } from 'hono'

const app = new Hono()

// FastAPI's automatic 422 answer, in the shape the clients already parse.
function invalid(c: Context, loc: string[], msg: string) {
  return c.json({ detail: [{ loc, msg }] }, 422)
}

// Python: words = re.findall(r"[a-z']+", text.lower()); Counter(words).most_common(top)
function countWords(text: string) {
  const words = text.toLowerCase().match(/[a-z']+/g) ?? []
  const counts = new Map<string, number>()
  for (const word of words) counts.set(word, (counts.get(word) ?? 0) + 1)
  // A stable sort keeps words with the same count in the order they first appeared, like Counter.
  const ranked = [...counts].sort((a, b) => b[1] - a[1]).map(([word, count]) => ({ word, count }))
  return { words: words.length, unique: counts.size, ranked }
}

app.post('/word-count', async (c) => {
  // top: int = 3
  const rawTop = c.req.query('top')
  if (rawTop !== undefined && !/^-?\d+$/.test(rawTop)) {
    return invalid(c, ['query', 'top'], 'Input should be a valid integer')
  }
  const top = rawTop === undefined ? 3 : Number(rawTop)

  // body: TextIn, where text: str = Field(min_length=1)
  const body = await c.req.json().catch(() => null)
  const text = body !== null && typeof body === 'object' ? body.text : undefined
  if (typeof text !== 'string') return invalid(c, ['body', 'text'], 'Input should be a valid string')
  if (text.length < 1) return invalid(c, ['body', 'text'], 'String should have at least 1 character')

  // raise HTTPException(status_code=400, detail="...")
  if (top < 1 || top > 10) return c.json({ detail: 'top must be between 1 and 10' }, 400)

  const { words, unique, ranked } = countWords(text)
  return c.json({ words, unique, top: ranked.slice(0, top) })
})

export default app
