import { Hono, type Context } from 'hono'

// Port this FastAPI endpoint to Hono. Clients must not notice the difference: same statuses,
// same JSON, same error shapes.
//
//   class TextIn(BaseModel):
//       text: str = Field(min_length=1)      # missing, not a string, empty or bad JSON -> 422
//
//   @app.post("/word-count")
//   def word_count(body: TextIn, top: int = 3):   # ?top=abc or ?top=2.5 -> 422
//       if not 1 <= top <= 10:
//           raise HTTPException(status_code=400, detail="top must be between 1 and 10")
//       words = re.findall(r"[a-z']+", body.text.lower())
//       counts = Counter(words)
//       return {
//           "words": len(words),
//           "unique": len(counts),
//           "top": [{"word": w, "count": n} for w, n in counts.most_common(top)],
//       }
//
// FastAPI writes the 422 answers for you, as { "detail": [{ "loc": [...], "msg": "..." }] }.
// HTTPException(400, detail="...") answers { "detail": "..." }.
const app = new Hono()

// FastAPI's automatic 422 answer, in the shape the clients already parse:
// invalid(c, ['query', 'top'], 'Input should be a valid integer')
function invalid(c: Context, loc: string[], msg: string) {
  return c.json({ detail: [{ loc, msg }] }, 422)
}

// The counting itself is plain logic and is already ported.
function countWords(text: string) {
  const words = text.toLowerCase().match(/[a-z']+/g) ?? []
  const counts = new Map<string, number>()
  for (const word of words) counts.set(word, (counts.get(word) ?? 0) + 1)
  // A stable sort keeps words with the same count in the order they first appeared, like Counter.
  const ranked = [...counts].sort((a, b) => b[1] - a[1]).map(([word, count]) => ({ word, count }))
  return { words: words.length, unique: counts.size, ranked }
}

// Only the sunny day is ported so far: no ?top, no validation (bad input crashes with a 500).
app.post('/word-count', async (c) => {
  const body = await c.req.json()
  const { words, unique, ranked } = countWords(body.text)
  return c.json({ words, unique, top: ranked.slice(0, 3) })
})

export default app
