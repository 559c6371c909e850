import { Hono } from 'hono'
import { HTTPException } from 'hono/http-exception'
import { log } from 'sandbox'

// Steps are stored as JSON text, the way a database column would hold them. Recipe 3 was
// saved by an old version of the app and its steps are broken.
const recipes = [
  { id: 1, title: 'Pancakes', steps: '["Whisk the batter", "Rest 10 minutes", "Fry"]' },
  { id: 2, title: 'Tomato soup', steps: '["Roast the tomatoes", "Blend", "Season"]' },
  { id: 3, title: 'Focaccia', steps: '["Mix the dough", "Let it rise"' },
]

// Throws an HTTPException (status 404) when there is no such recipe.
function findRecipe(id: string) {
  const recipe = recipes.find((r) => r.id === Number(id))
  if (!recipe) throw new HTTPException(404, { message: `recipe ${id} not found` })
  return recipe
}

// Version 1 of the recipes API: these routes are done.
const v1 = new Hono()

v1.get('/recipes', (c) => c.json(recipes.map(({ id, title }) => ({ id, title }))))

v1.get('/recipes/:id', (c) => {
  const { id, title } = findRecipe(c.req.param('id'))
  return c.json({ id, title })
})

v1.get('/recipes/:id/steps', (c) => {
  const recipe = findRecipe(c.req.param('id'))
  return c.json(JSON.parse(recipe.steps))
})

const app = new Hono()

// TODO 1: mount the v1 routes under /api/v1, so GET /api/v1/recipes works.

// TODO 2: every unknown path answers 404 with
//   { "error": { "status": 404, "message": "No route for GET /the/path" } }

// TODO 3: every error answers the same shape:
//   - an HTTPException: its own status and message
//   - anything else: 500 with the message "Internal Server Error" (never the real error,
//     which is for you, not for the client), and log.error(...) so you can find out what broke

export default app
