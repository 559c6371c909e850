import { isDeepStrictEqual } from 'node:util'
import { defineChecks, type CheckContext, type CheckResponse } from '../../sandbox-server/grading/index.ts'

/** Fails, saying what came back, unless the body is exactly { error: { status, message } }. */
function expectErrorBody(t: CheckContext, response: CheckResponse, sent: string, error: { status: number; message: string }, how: string) {
  const wanted = JSON.stringify({ error })
  if (response.json === undefined)
    t.fail(`${sent} answered plain text (${response.text.slice(0, 200)}), not JSON: the body should be ${wanted} (${how})`)
  if (!isDeepStrictEqual(response.json, { error })) t.fail(`${sent} answered ${JSON.stringify(response.json)}; the body should be ${wanted} (${how})`)
}

export default defineChecks([
  {
    name: 'GET /api/v1/recipes lists the recipes',
    async run(t) {
      const response = await t.request('GET', '/api/v1/recipes')
      t.expectJson(
        response,
        200,
        [
          { id: 1, title: 'Pancakes' },
          { id: 2, title: 'Tomato soup' },
          { id: 3, title: 'Focaccia' },
        ],
        'the v1 routes should be mounted under /api/v1 with app.route; the body should list the three recipes',
      )
    },
  },
  {
    name: 'GET /api/v1/recipes/:id/steps answers the steps of a recipe',
    requires: ['GET /api/v1/recipes lists the recipes'],
    async run(t) {
      const response = await t.request('GET', '/api/v1/recipes/1/steps')
      t.expectJson(
        response,
        200,
        ['Whisk the batter', 'Rest 10 minutes', 'Fry'],
        'recipe 1 exists and its steps are fine; the body should be the steps of recipe 1',
      )
    },
  },
  {
    name: 'An unknown path answers 404 with a JSON error',
    hint: 1,
    async run(t) {
      const response = await t.request('GET', '/api/v2/recipes')
      t.expectStatus(response, 404, 'there is no route for /api/v2/recipes')
      const error = { status: 404, message: 'No route for GET /api/v2/recipes' }
      expectErrorBody(t, response, 'GET /api/v2/recipes', error, 'app.notFound, with the message built from c.req.method and c.req.path')
    },
  },
  {
    name: 'A missing recipe answers 404 in the same JSON shape',
    requires: ['GET /api/v1/recipes lists the recipes'],
    hint: 1,
    async run(t) {
      const response = await t.request('GET', '/api/v1/recipes/42')
      t.expectStatus(response, 404, 'findRecipe throws an HTTPException with status 404 for recipe 42')
      const error = { status: 404, message: 'recipe 42 not found' }
      expectErrorBody(t, response, 'GET /api/v1/recipes/42', error, 'in app.onError, an HTTPException keeps its status and message')
    },
  },
  {
    name: 'A crash answers 500 in the same JSON shape and hides the details',
    requires: ['GET /api/v1/recipes lists the recipes'],
    hint: 2,
    async run(t) {
      const response = await t.request('GET', '/api/v1/recipes/3/steps')
      t.expectStatus(response, 500, 'the steps of recipe 3 are broken JSON, so JSON.parse throws: that is a bug on the server')
      expectErrorBody(t, response, 'GET /api/v1/recipes/3/steps', { status: 500, message: 'Internal Server Error' }, 'app.onError')
      t.expect(response.text, 'the answer must not reveal the real error (it talks about JSON): that is for your logs').not.toMatch(
        /JSON|SyntaxError|position/i,
      )
    },
  },
  {
    name: 'Only crashes are logged with log.error (404s are not)',
    requires: ['A crash answers 500 in the same JSON shape and hides the details'],
    hint: 2,
    async run(t) {
      await t.request('GET', '/api/v1/recipes/3/steps')
      const errors = t.logs().filter((entry) => entry.level === 'error')
      t.expect(errors.length, 'app.onError should call log.error(...) once for an unexpected error, so someone can fix it').toBe(1)
      const missing = await t.request('GET', '/api/v1/recipes/42')
      t.expect(
        missing.logs.filter((entry) => entry.level === 'error'),
        'a 404 is the client asking for something that does not exist, not a bug: do not log it as an error',
      ).toEqual([])
    },
  },
])
