-- Prices are whole cents: 450 is 4.50.
CREATE TABLE items (
  sku TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  price INTEGER NOT NULL CHECK (price >= 0),
  stock INTEGER NOT NULL CHECK (stock >= 0)
);
INSERT INTO items (sku, name, price, stock) VALUES
  ('tea', 'Green tea, 100 g', 450, 10),
  ('mug', 'Stoneware mug', 1200, 2),
  ('kettle', 'Gooseneck kettle', 3900, 0);

CREATE TABLE orders (
  id INTEGER PRIMARY KEY,
  sku TEXT NOT NULL REFERENCES items (sku),
  quantity INTEGER NOT NULL CHECK (quantity > 0),
  total INTEGER NOT NULL,
  created_at TEXT NOT NULL
);
