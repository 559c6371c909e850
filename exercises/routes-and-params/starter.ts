import { Hono } from 'hono'

// The catalogue lives in the code for now (the database comes in a later role).
// Prices are in cents: 8900 is 89.00.
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

// List products. Add, from the query string (?category=books&limit=2):
// - category: keep only the products of that category
// - limit: answer at most that many; a limit that is not a whole number of at least 1 is a 400
// - an X-Total-Count header: how many products matched, before the limit
app.get('/products', (c) => {
  return c.json(products)
})

// One product by id: 200 with the product and a Cache-Control: public, max-age=60 header,
// or 404 with { error } when there is no such product.
// Careful: c.req.param('id') is always a string, and the ids above are numbers.
app.get('/products/:id', (c) => {
  return c.json({ error: 'not implemented yet' }, 501)
})

export default app
