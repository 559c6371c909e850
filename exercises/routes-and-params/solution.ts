import { Hono } from 'hono'

// The catalogue lives in the code for now (the database comes in a later role).
const products = [
  { id: 1, name: 'Mechanical keyboard', category: 'hardware', price: 8900 },
  { id: 2, name: 'The Pragmatic Programmer', category: 'books', price: 3900 },
  { id: 3, name: 'USB-C hub', category: 'hardware', price: 2900 },
  { id: 4, name: 'Designing Data-Intensive Applications', category: 'books', price: 4500 },
  { id: 5, name: 'Noise-cancelling headphones', category: 'hardware', price: 19900 },
  { id: 6, name: 'SQL Antipatterns', category: 'books', price: 3500 },
  { id: 7, name: 'Laptop stand', category: 'hardware', price: 4900 },
  { id: 8, name: 'Desk plant', category: 'office', price: 1500 },
]

const app = new Hono()

app.get('/products', (c) => {
  const category = c.req.query('category')
  const limitText = c.req.query('limit')

  const matches = category ? products.filter((p) => p.category === category) : products

  let limit = matches.length
  if (limitText !== undefined) {
    limit = Number(limitText)
    if (!Number.isInteger(limit) || limit < 1) {
      return c.json({ error: 'limit must be a whole number of at least 1' }, 400)
    }
  }

  c.header('X-Total-Count', String(matches.length))
  return c.json(matches.slice(0, limit))
})

app.get('/products/:id', (c) => {
  const id = Number(c.req.param('id'))
  const product = products.find((p) => p.id === id)
  if (!product) return c.json({ error: `product ${c.req.param('id')} not found` }, 404)
  c.header('Cache-Control', 'public, max-age=60')
  return c.json(product)
})

export default app
