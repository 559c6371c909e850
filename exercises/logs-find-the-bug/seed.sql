-- Prices and amounts are whole cents: 1200 is 12.00.
CREATE TABLE products (
  sku TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  price INTEGER NOT NULL CHECK (price > 0)
);
INSERT INTO products (sku, name, price) VALUES
  ('MUG', 'Coffee mug', 1200),
  ('TEE', 'T-shirt', 2000),
  ('CAP', 'Cap', 1500),
  ('PIN', 'Enamel pin', 300);

-- kind 'percent': value is a percentage (10 is 10% off).
-- kind 'amount': value is cents off (500 is 5.00 off).
CREATE TABLE discount_codes (
  code TEXT PRIMARY KEY,
  kind TEXT NOT NULL CHECK (kind IN ('percent', 'amount')),
  value INTEGER NOT NULL CHECK (value > 0)
);
INSERT INTO discount_codes (code, kind, value) VALUES
  ('WELCOME10', 'percent', 10),
  ('SAVE5', 'amount', 500),
  ('SPRING3', 'amount', 300);
