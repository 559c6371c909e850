import { defineChecks, type CheckContext } from '../../sandbox-server/grading/index.ts'

type Page = { id: number; title: string; body: string; version: number }

/** Page 1 is replaced with PUT, page 2 patched, page 3 edited by two people at once. */
const REPLACEMENT = { title: 'Onboarding, week one', body: 'Day 1: laptop and accounts. Day 2: pair on a small fix.' }

/** Headers of an update: the ETag it is based on, and for PATCH the merge patch media type. */
const patchHeaders = (etag: string) => ({ 'content-type': 'application/merge-patch+json', 'if-match': etag })

/** The page as GET answers it now, with its ETag. */
async function readPage(t: CheckContext, id: number): Promise<{ page: Page; etag: string }> {
  const response = await t.request('GET', `/pages/${id}`)
  t.expectStatus(response, 200, `page ${id} exists`)
  const etag = response.headers.get('etag')
  if (etag === null) {
    t.fail(`GET /pages/${id} answered no ETag header; a client needs one to send in If-Match with its update, e.g. ETag: "${response.json?.version}"`)
  }
  return { page: response.json, etag }
}

/** The page's row as stored, to compare before and after a refused update. */
const storedPage = (t: CheckContext, id: number) => t.db.get('SELECT id, title, body, version FROM pages WHERE id = ?', [id])

export default defineChecks([
  {
    name: 'GET /pages/:id answers the page with a strong ETag',
    async run(t) {
      const response = await t.request('GET', '/pages/2')
      t.expectJson(
        response,
        200,
        { id: 2, title: 'Deploy checklist', body: 'Run the tests, tag the release, watch the dashboards.', version: 4 },
        'page 2 exists; the body should be { id, title, body, version }',
      )
      const etag = response.headers.get('etag')
      if (etag === null) t.fail('the answer should have an ETag header (RFC 9110, 8.8.3): the version in double quotes, ETag: "4"')
      t.expect(etag, 'an ETag is a quoted string, and a strong one has no W/ in front (RFC 9110, 8.8.3): ETag: "4", not ETag: 4 or W/"4"').toMatch(
        /^"[^"]*"$/,
      )
    },
  },
  {
    name: 'PUT, PATCH and GET answer 404 problem+json for a missing page',
    async run(t) {
      t.expectProblem(await t.request('GET', '/pages/999'), 404, 'there is no page 999')
      const put = await t.request('PUT', '/pages/999', { json: REPLACEMENT, headers: { 'if-match': '"1"' } })
      t.expectProblem(
        put,
        404,
        'there is no page 999 to replace; a missing resource is 404 even with an If-Match, because the status the request would get without its precondition comes first (RFC 9110, 13.2.1)',
      )
      const patch = await t.request('PATCH', '/pages/999', { json: { title: 'Nothing' }, headers: patchHeaders('"1"') })
      t.expectProblem(patch, 404, 'there is no page 999 to patch')
    },
  },
  {
    name: 'PUT with the current ETag replaces the page and bumps its version, so the ETag changes',
    weight: 2,
    hint: 1,
    async run(t) {
      const before = await readPage(t, 1)
      const response = await t.request('PUT', '/pages/1', { json: REPLACEMENT, headers: { 'if-match': before.etag } })
      t.expectJson(
        response,
        200,
        { id: 1, ...REPLACEMENT, version: before.page.version + 1 },
        `If-Match ${before.etag} is the page's current ETag, so the update goes ahead; the body should be the new page, its version one higher`,
      )
      t.expect(await storedPage(t, 1), 'the pages table should hold the new title, body and version').toEqual(response.json)
      const after = await readPage(t, 1)
      t.expect(
        after.etag,
        'after an update the page has a new version, so GET must answer a new ETag: else a stale If-Match would still match',
      ).not.toBe(before.etag)
      const pasted = (await t.db.statements()).filter((sql) => sql.includes('Onboarding, week one'))
      t.expect(pasted, 'the title showed up inside your SQL text: pass the values with ? instead of pasting them in').toEqual([])
    },
  },
  {
    name: 'PUT refuses a body that is not a whole page with 400 problem+json and changes nothing',
    hint: 1,
    async run(t) {
      const { etag } = await readPage(t, 1)
      const before = await storedPage(t, 1)
      const headers = { 'if-match': etag }
      const titleOnly = await t.request('PUT', '/pages/1', { json: { title: 'Only a title' }, headers })
      t.expectProblem(
        titleOnly,
        400,
        'PUT replaces the whole page and the body is missing: keeping the old body would make PUT a PATCH, and clearing it would lose text the client never meant to delete',
      )
      const blank = await t.request('PUT', '/pages/1', { json: { title: '  ', body: 'No title' }, headers })
      t.expectProblem(blank, 400, 'a title of only spaces is no title')
      const broken = await t.request('PUT', '/pages/1', { body: '{"title": "Half a', headers: { ...headers, 'content-type': 'application/json' } })
      t.expectProblem(broken, 400, "the body is not valid JSON: that is the client's mistake, not a server crash")
      t.expect(await storedPage(t, 1), 'a refused update must not change the page, nor its version').toEqual(before)
    },
  },
  {
    name: 'PATCH with a merge patch changes only the fields it names',
    weight: 2,
    hint: 1,
    async run(t) {
      const before = await readPage(t, 2)
      const response = await t.request('PATCH', '/pages/2', { json: { title: 'Release checklist' }, headers: patchHeaders(before.etag) })
      t.expectJson(
        response,
        200,
        { ...before.page, title: 'Release checklist', version: before.page.version + 1 },
        'the merge patch names only the title: the body stays as it was, and the version goes up by one',
      )
      t.expect(await storedPage(t, 2), 'the pages table should hold the new title, the old body and the new version').toEqual(response.json)
      const after = await readPage(t, 2)
      t.expect(after.etag, 'after a PATCH the page has a new version, so GET must answer a new ETag').not.toBe(before.etag)
    },
  },
  {
    name: 'PATCH refuses null for a required field, an unknown field and a non-object with 400 problem+json',
    hint: 1,
    async run(t) {
      const { etag } = await readPage(t, 2)
      const before = await storedPage(t, 2)
      const removeBody = await t.request('PATCH', '/pages/2', { json: { body: null }, headers: patchHeaders(etag) })
      t.expectProblem(removeBody, 400, 'in a merge patch null removes the field (RFC 7396), and a page cannot be without its body')
      const typo = await t.request('PATCH', '/pages/2', { json: { titel: 'Typo' }, headers: patchHeaders(etag) })
      t.expectProblem(
        typo,
        400,
        'a page has no field "titel": ignoring it would answer 200 while saving nothing, and the client would believe its change was made',
      )
      const list = await t.request('PATCH', '/pages/2', { json: ['title', 'New'], headers: patchHeaders(etag) })
      t.expectProblem(list, 400, 'a merge patch that is not an object would replace the whole page with itself (RFC 7396), and a page is an object')
      t.expect(await storedPage(t, 2), 'a refused patch must not change the page, nor its version').toEqual(before)
    },
  },
  {
    name: 'PATCH with another Content-Type answers 415 with an Accept-Patch header',
    hint: 1,
    async run(t) {
      const { etag } = await readPage(t, 2)
      const before = await storedPage(t, 2)
      const jsonPatch = [{ op: 'replace', path: '/title', value: 'Ship it' }]
      const response = await t.request('PATCH', '/pages/2', {
        json: jsonPatch,
        headers: { 'content-type': 'application/json-patch+json', 'if-match': etag },
      })
      t.expectProblem(
        response,
        415,
        'this is a JSON Patch (RFC 6902), a different format from a merge patch: a server answers 415 Unsupported Media Type for a patch format it does not speak (RFC 5789, 2.2)',
      )
      t.expect(
        response.headers.get('accept-patch') ?? 'no Accept-Patch header',
        'the 415 answer should tell the client which patch format to use (RFC 5789, 3.1): Accept-Patch: application/merge-patch+json',
      ).toMatch(/application\/merge-patch\+json/)
      t.expect(await storedPage(t, 2), 'a refused patch must not change the page').toEqual(before)
    },
  },
  {
    name: 'PUT and PATCH without If-Match answer 428 Precondition Required',
    hint: 1,
    async run(t) {
      const before = await storedPage(t, 1)
      const put = await t.request('PUT', '/pages/1', { json: { title: 'Blind write', body: 'Whatever was here is gone.' } })
      t.expectProblem(
        put,
        428,
        'without If-Match the server cannot tell whether the client saw the latest version; 428 Precondition Required (RFC 6585, 3) asks it to send one',
      )
      const patch = await t.request('PATCH', '/pages/1', {
        json: { title: 'Blind write' },
        headers: { 'content-type': 'application/merge-patch+json' },
      })
      t.expectProblem(patch, 428, 'PATCH needs If-Match as much as PUT does')
      t.expect(await storedPage(t, 1), 'an update without If-Match must change nothing').toEqual(before)
    },
  },
  {
    name: "A stale If-Match answers 412 and the other editor's change survives (no lost update)",
    weight: 2,
    hint: 1,
    async run(t) {
      // Ada and Bob open page 3 at the same time; Bob saves first.
      const { page, etag } = await readPage(t, 3)
      const bob = await t.request('PUT', '/pages/3', {
        json: { title: 'On-call rota', body: 'This week: Bob (swapped with Ada).' },
        headers: { 'if-match': etag },
      })
      t.expectStatus(bob, 200, `Bob sent the current ETag ${etag}, so his update goes ahead`)
      const adaPut = await t.request('PUT', '/pages/3', { json: { title: 'On-call rota', body: 'This week: Ada.' }, headers: { 'if-match': etag } })
      t.expectProblem(
        adaPut,
        412,
        `Ada's If-Match ${etag} is the ETag from before Bob's update: 412 Precondition Failed (RFC 9110, 13.1.1 and 15.5.13) tells her to read the page again instead of overwriting Bob's change`,
      )
      const adaPatch = await t.request('PATCH', '/pages/3', { json: { body: 'This week: Ada.' }, headers: patchHeaders(etag) })
      t.expectProblem(adaPatch, 412, `a PATCH based on the old ETag ${etag} is just as stale`)
      t.expect(await storedPage(t, 3), "Bob's change must still be there, and the version must count exactly one update").toEqual({
        id: 3,
        title: 'On-call rota',
        body: 'This week: Bob (swapped with Ada).',
        version: page.version + 1,
      })
    },
  },
  {
    name: 'The UPDATE itself checks the version (WHERE id = ? AND version = ?)',
    weight: 2,
    hint: 2,
    async run(t) {
      const first = await readPage(t, 1)
      const put = await t.request('PUT', '/pages/1', { json: { title: 'Onboarding', body: 'Ask your buddy.' }, headers: { 'if-match': first.etag } })
      t.expectStatus(put, 200, 'the If-Match is the current ETag')
      const second = await readPage(t, 1)
      const patch = await t.request('PATCH', '/pages/1', { json: { body: 'Ask your buddy first.' }, headers: patchHeaders(second.etag) })
      t.expectStatus(patch, 200, 'the If-Match is the current ETag')
      const updates = (await t.db.statements()).filter((sql) => /^\s*UPDATE\b/i.test(sql))
      t.expect(updates.length, 'a PUT and a PATCH went ahead, so the app should have run UPDATE statements').toBeGreaterThan(0)
      for (const sql of updates) {
        t.expect(
          sql,
          'comparing If-Match in JavaScript and then writing with WHERE id = ? leaves a gap: a second request (another server, or any await in between) can update the page after your check and before your write, and one edit is lost. Put the version you checked into the UPDATE itself, WHERE id = ? AND version = ?, and answer 412 when it changed no row',
        ).toMatch(/\bWHERE\b[\s\S]*\bversion\s*(=|IS)\s*[?:@$]/i)
      }
    },
  },
])
