-- Money is stored in cents, as whole numbers: 10000 is 100.00. Floats would lose cents.
CREATE TABLE accounts (
  id INTEGER PRIMARY KEY,
  owner TEXT NOT NULL,
  balance INTEGER NOT NULL CHECK (balance >= 0)
);
CREATE TABLE transfers (
  id INTEGER PRIMARY KEY,
  from_id INTEGER NOT NULL REFERENCES accounts (id),
  to_id INTEGER NOT NULL REFERENCES accounts (id),
  amount INTEGER NOT NULL CHECK (amount > 0)
);
INSERT INTO accounts (id, owner, balance) VALUES (1, 'Ada', 10000), (2, 'Bob', 5000), (3, 'Cleo', 0);
