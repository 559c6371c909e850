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

function findRecipe(id: string) {
  const recipe = recipes.find((r) => r.id === Number(id))
  if (!recipe) throw new HTTPException(404, { message: `recipe ${id} not found` })
  return recipe
}

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

app.route('/api/v1', v1)

app.notFound((c) => {
  return c.json({ error: { status: 404, message: `No route for ${c.req.method} ${c.req.path}` } }, 404)
})

app.onError((err, c) => {
  if (err instanceof HTTPException) {
    return c.json({ error: { status: err.status, message: err.message } }, err.status)
  }
  log.error('unhandled error', { path: c.req.path, error: String(err) })
  return c.json({ error: { status: 500, message: 'Internal Server Error' } }, 500)
})

export default app
