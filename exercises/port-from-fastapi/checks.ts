import { defineChecks } from '../../sandbox-server/grading/index.ts'

const TEXT = "It's the end, the END, and that's that."

export default defineChecks([
  {
    name: 'POST /word-count counts the words and answers the top 3',
    async run(t) {
      const response = await t.request('POST', '/word-count', { json: { text: TEXT } })
      t.expectJson(
        response,
        200,
        {
          words: 8,
          unique: 6,
          top: [
            { word: 'the', count: 2 },
            { word: 'end', count: 2 },
            { word: "it's", count: 1 },
          ],
        },
        'the text is valid and top defaults to 3; the body should be { words, unique, top }: "the" and "end" twice each, in the order they first appear',
      )
    },
  },
  {
    name: '?top chooses how many words come back',
    hint: 1,
    async run(t) {
      const one = await t.request('POST', '/word-count?top=1', { json: { text: TEXT } })
      t.expectStatus(one, 200, 'top=1 is between 1 and 10')
      t.expect(one.json?.top?.length, 'with ?top=1 the list should hold exactly one word').toBe(1)
      t.expect(one.json?.top, 'with ?top=1 the list should hold only the most common word').toEqual([{ word: 'the', count: 2 }])
      const ten = await t.request('POST', '/word-count?top=10', { json: { text: TEXT } })
      t.expectStatus(ten, 200, 'top=10 is between 1 and 10')
      t.expect(
        ten.json?.top?.map((entry: { word: string }) => entry.word),
        'with ?top=10 all 6 different words come back, most common first',
      ).toEqual(['the', 'end', "it's", 'and', "that's", 'that'])
    },
  },
  {
    name: 'A missing, empty or non-text "text" answers 422 like FastAPI',
    hint: 1,
    async run(t) {
      const cases: [string, unknown][] = [
        ['the body has no "text" field, and TextIn requires one', {}],
        ['text is a number, and TextIn says text: str', { text: 42 }],
        ['text is empty, and Field(min_length=1) refuses that', { text: '' }],
      ]
      for (const [because, json] of cases) {
        const response = await t.request('POST', '/word-count', { json })
        t.expectJson(
          response,
          422,
          {
            detail: [t.expect.objectContaining({ loc: ['body', 'text'], msg: t.expect.any(String) })],
          },
          `${because}; the body should be FastAPI's shape: { detail: [{ loc: ["body", "text"], msg }] }`,
        )
      }
      const broken = await t.request('POST', '/word-count', { body: '{"text": ', headers: { 'content-type': 'application/json' } })
      t.expectStatus(broken, 422, 'the body is not valid JSON: FastAPI answers 422 for that too, never a 500')
      t.expect(broken.json?.detail, 'the body should be { detail: [...] }').toEqual(t.expect.any(Array))
    },
  },
  {
    name: 'A top that is not a whole number answers 422',
    hint: 1,
    async run(t) {
      for (const top of ['abc', '2.5']) {
        const response = await t.request('POST', `/word-count?top=${top}`, { json: { text: TEXT } })
        t.expectJson(
          response,
          422,
          {
            detail: [t.expect.objectContaining({ loc: ['query', 'top'], msg: t.expect.any(String) })],
          },
          `top: int means "${top}" cannot even be read as an integer, so FastAPI refuses it before the function runs; the body should be { detail: [{ loc: ["query", "top"], msg }] }`,
        )
      }
    },
  },
  {
    name: 'A top outside 1 to 10 answers 400 with { detail }',
    hint: 2,
    async run(t) {
      for (const top of ['0', '11', '-1']) {
        const response = await t.request('POST', `/word-count?top=${top}`, { json: { text: TEXT } })
        t.expectJson(
          response,
          400,
          {
            detail: 'top must be between 1 and 10',
          },
          `${top} is a valid integer (so not a 422), but the function raises HTTPException(status_code=400) when it is not between 1 and 10; HTTPException answers { "detail": "top must be between 1 and 10" }: a string, not a list`,
        )
      }
    },
  },
])
