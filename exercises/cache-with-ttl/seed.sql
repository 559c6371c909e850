-- A small shop: 8 products and 60,000 orders.
CREATE TABLE products (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  price_cents INTEGER NOT NULL
);
INSERT INTO products (id, name, price_cents) VALUES
  (1, 'Espresso beans 1kg', 2400),
  (2, 'Filter papers', 450),
  (3, 'Hand grinder', 5900),
  (4, 'Pour-over kettle', 4200),
  (5, 'Ceramic dripper', 2800),
  (6, 'Milk jug', 1500),
  (7, 'Digital scale', 3300),
  (8, 'Cleaning tablets', 900);
CREATE TABLE orders (
  id INTEGER PRIMARY KEY,
  product_id INTEGER NOT NULL REFERENCES products(id),
  quantity INTEGER NOT NULL
);
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 60000)
INSERT INTO orders (id, product_id, quantity)
SELECT i, (i * 7) % 8 + 1, (i * 13) % 5 + 1 FROM n;
