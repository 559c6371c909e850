-- A small merch shop for a band's tour. Stock is how many of each item are left to sell.
CREATE TABLE items (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  stock INTEGER NOT NULL
);
CREATE TABLE orders (
  id INTEGER PRIMARY KEY,
  item_id INTEGER NOT NULL REFERENCES items (id),
  quantity INTEGER NOT NULL CHECK (quantity > 0)
);
INSERT INTO items (id, name, stock) VALUES (1, 'Tour poster', 10), (2, 'Front-row ticket', 2), (3, 'Signed vinyl', 1);
