-- A shop's orders. Totals are whole cents: 4200 is 42.00.
CREATE TABLE orders (
  id INTEGER PRIMARY KEY,
  customer TEXT NOT NULL,
  total_cents INTEGER NOT NULL CHECK (total_cents > 0),
  status TEXT NOT NULL DEFAULT 'new'
);
INSERT INTO orders (id, customer, total_cents, status) VALUES
  (41, 'Ada', 4200, 'shipped'),
  (42, 'Grace', 1999, 'paid'),
  (43, 'Linus', 7350, 'new');
