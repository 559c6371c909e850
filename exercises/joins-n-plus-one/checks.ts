import { defineChecks, type CheckContext, type CheckResponse } from '../../sandbox-server/grading/index.ts'

type ListedPost = { id: number; title: string; createdAt: string; author: { id: number; name: string }; commentCount: number; likeCount: number }

const ADA = { id: 1, name: 'Ada' }
const BOB = { id: 2, name: 'Bob' }
const CLEO = { id: 3, name: 'Cleo' }

/** The seeded posts, newest first: 4 and 5 were written at the same moment, so the id decides. */
const SEEDED = [
  { id: 6, title: 'Hiring a second backend developer', createdAt: '2024-03-15T09:00:00.000Z', author: CLEO, commentCount: 1, likeCount: 1 },
  { id: 5, title: 'Draft: naming things', createdAt: '2024-03-12T09:00:00.000Z', author: BOB, commentCount: 0, likeCount: 0 },
  { id: 4, title: 'Our first outage report', createdAt: '2024-03-12T09:00:00.000Z', author: CLEO, commentCount: 2, likeCount: 2 },
  { id: 3, title: 'Indexes, explained with a phone book', createdAt: '2024-03-08T09:00:00.000Z', author: ADA, commentCount: 0, likeCount: 3 },
  { id: 2, title: 'A week of on-call', createdAt: '2024-03-04T09:00:00.000Z', author: BOB, commentCount: 1, likeCount: 0 },
  { id: 1, title: 'Why we moved to SQLite', createdAt: '2024-03-01T09:00:00.000Z', author: ADA, commentCount: 3, likeCount: 2 },
]

/** The list as it should be now, read with the checks' own query (one subquery per count). */
async function expectedList(t: CheckContext): Promise<ListedPost[]> {
  const rows = await t.db.all(
    `SELECT p.id, p.title, p.created_at, a.id AS author_id, a.name AS author_name,
       (SELECT count(*) FROM comments WHERE post_id = p.id) AS comment_count,
       (SELECT count(*) FROM likes WHERE post_id = p.id) AS like_count
     FROM posts p JOIN authors a ON a.id = p.author_id
     ORDER BY p.created_at DESC, p.id DESC`,
  )
  return rows.map((row) => ({
    id: Number(row.id),
    title: String(row.title),
    createdAt: String(row.created_at),
    author: { id: Number(row.author_id), name: String(row.author_name) },
    commentCount: Number(row.comment_count),
    likeCount: Number(row.like_count),
  }))
}

/** GET /posts, and the SQL statements the app ran to answer it. */
async function listWithStatements(t: CheckContext): Promise<{ response: CheckResponse; statements: string[] }> {
  const before = await t.db.statements()
  if (before.length >= 200) t.fail('this check sent too many requests before counting: the statement log keeps the last 200 (a bug in checks.ts)')
  const response = await t.request('GET', '/posts')
  t.expectStatus(response, 200, 'listing posts always works')
  return { response, statements: (await t.db.statements()).slice(before.length) }
}

/** The list answer, or a failure that says what came back instead of an array. */
function postsOf(t: CheckContext, response: CheckResponse): ListedPost[] {
  if (!Array.isArray(response.json)) t.fail(`GET /posts should answer a JSON array of posts; it answered ${response.text.slice(0, 200)}`)
  return response.json
}

/** What a reader sees of a post in the list: id, title and author, one line each. */
const summary = (post: Pick<ListedPost, 'id' | 'title' | 'author'>) => `${post.id} "${post.title}" by ${post.author?.name}`

/** The first statements, for a failure message. */
const shown = (statements: string[]) =>
  statements
    .slice(0, 6)
    .map((sql) => `  ${sql.replace(/\s+/g, ' ').trim()}`)
    .join('\n') + (statements.length > 6 ? `\n  ... and ${statements.length - 6} more` : '')

export default defineChecks([
  {
    name: 'GET /posts lists each post once, newest first, with its author',
    hint: 1,
    async run(t) {
      const response = await t.request('GET', '/posts')
      t.expectStatus(response, 200, 'listing posts always works')
      const got = postsOf(t, response).map(({ id, title, createdAt, author }) => ({ id, title, createdAt, author }))
      const expected = SEEDED.map(({ id, title, createdAt, author }) => ({ id, title, createdAt, author }))
      if (JSON.stringify(got) !== JSON.stringify(expected)) {
        t.fail(
          `GET /posts should list the 6 posts once each, newest first (created_at, then id, descending), each with { id, title, createdAt, author: { id, name } }. Expected\n  ${expected.map(summary).join('\n  ')}\nbut the answer was\n  ${got.map(summary).join('\n  ') || '(no posts)'}\nA post missing means a JOIN dropped it; a post twice means a JOIN multiplied it and nothing grouped it again; one row for everything means count() without GROUP BY.`,
        )
      }
    },
  },
  {
    name: 'Posts without comments are listed, with commentCount 0',
    hint: 1,
    async run(t) {
      const posts = postsOf(t, await t.request('GET', '/posts'))
      for (const { id, title, likeCount } of SEEDED.filter((post) => post.commentCount === 0)) {
        const post = posts.find((listed) => listed.id === id)
        if (!post) {
          return t.fail(
            `post ${id} ("${title}") has no comments and is missing from the list: a plain JOIN keeps only the posts that have a match in comments; LEFT JOIN keeps them all`,
          )
        }
        t.expect(
          { commentCount: post.commentCount, likeCount: post.likeCount },
          `post ${id} has no comments and ${likeCount} likes: a count of a LEFT JOIN with no match is 0 only with count(c.id) or coalesce(..., 0); count(*) counts the empty row as 1, and a missing count is null`,
        ).toEqual({ commentCount: 0, likeCount })
      }
    },
  },
  {
    name: 'Comment and like counts are not multiplied by each other',
    weight: 2,
    hint: 2,
    async run(t) {
      const posts = postsOf(t, await t.request('GET', '/posts'))
      const counts = (list: ListedPost[]) =>
        Object.fromEntries(list.map((post) => [post.id, { commentCount: post.commentCount, likeCount: post.likeCount }]))
      t.expect(
        counts(posts),
        'each post should have its own counts: post 1 has 3 comments and 2 likes, not 6 and 6. Joining comments and likes to the same post pairs every comment with every like (a fan-out), so count them separately: count(DISTINCT ...), or a subquery per table',
      ).toEqual(counts(SEEDED))
    },
  },
  {
    name: 'GET /posts runs at most 2 SQL statements, however many posts there are',
    weight: 3,
    hint: 0,
    async run(t) {
      const small = await listWithStatements(t)
      t.expect(
        small.statements.length,
        `GET /posts ran ${small.statements.length} SQL statements for ${postsOf(t, small.response).length} posts:\n${shown(small.statements)}\nOne query for the list and more for every post is the N+1 pattern; fetch the authors and the counts in the same query with JOIN`,
      ).toBeLessThanOrEqual(2)
      // Twice as many posts, some with comments: the number of statements must stay the same.
      for (const [index, authorId] of [1, 2, 3, 1, 2, 3].entries()) {
        const created = await t.request('POST', '/posts', { json: { authorId, title: `Weekly notes ${index + 1}` } })
        t.expectStatus(created, 201, 'POST /posts adds a post (it works in the starter)')
        for (let comment = 0; comment < index % 3; comment += 1) {
          const added = await t.request('POST', `/posts/${created.json.id}/comments`, { json: { body: `Comment ${comment + 1}` } })
          t.expectStatus(added, 201, 'POST /posts/:id/comments adds a comment (it works in the starter)')
        }
      }
      const large = await listWithStatements(t)
      t.expect(
        large.statements.length,
        `with ${postsOf(t, large.response).length} posts GET /posts ran ${large.statements.length} SQL statements, and ${small.statements.length} with ${postsOf(t, small.response).length}: the number of queries should not depend on the number of posts\n${shown(large.statements)}`,
      ).toBe(small.statements.length)
    },
  },
  {
    name: 'New posts and comments show up in the list right away, with the right counts',
    hint: 1,
    async run(t) {
      const created = await t.request('POST', '/posts', { json: { authorId: 3, title: 'Postmortem: the cache that never forgot' } })
      t.expectStatus(created, 201, 'POST /posts adds a post (it works in the starter)')
      for (const body of ['Ouch.', 'TTLs save lives.']) {
        await t.request('POST', `/posts/${created.json.id}/comments`, { json: { body } })
      }
      const posts = postsOf(t, await t.request('GET', '/posts'))
      t.expect(
        posts[0],
        'the post just created is the newest, so it comes first, with its 2 comments; an older list (kept in a cache, say) hides every change until it expires',
      ).toEqual({
        id: created.json.id,
        title: 'Postmortem: the cache that never forgot',
        createdAt: t.expect.any(String),
        author: CLEO,
        commentCount: 2,
        likeCount: 0,
      })
      t.expect(posts, 'every post in the database, newest first, with its author and counts').toEqual(await expectedList(t))
    },
  },
])
