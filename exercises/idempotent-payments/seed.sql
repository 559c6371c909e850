-- Amounts are whole cents: 2500 is 25.00.
CREATE TABLE payments (
  id TEXT PRIMARY KEY,
  account TEXT NOT NULL,
  amount INTEGER NOT NULL CHECK (amount > 0),
  currency TEXT NOT NULL,
  created_at TEXT NOT NULL
);

-- One row per Idempotency-Key: what the first request asked for, and what it was answered.
CREATE TABLE idempotency_keys (
  key TEXT PRIMARY KEY,
  request TEXT NOT NULL,
  status INTEGER NOT NULL,
  response TEXT NOT NULL,
  created_at TEXT NOT NULL
);
