-- Exchange rates: how many units of each currency one euro buys, in millionths (1086500 is 1.0865).
CREATE TABLE rates (
  currency TEXT PRIMARY KEY,
  per_euro INTEGER NOT NULL CHECK (per_euro > 0)
);
INSERT INTO rates (currency, per_euro) VALUES
  ('USD', 1086500),
  ('GBP', 852300),
  ('JPY', 163420000),
  ('CHF', 951200);

-- One row per client and fixed window: every replica of the app counts here, in one place.
-- window_start is the window's first millisecond (ms since 1970); count is the requests in it.
CREATE TABLE rate_limits (
  client TEXT NOT NULL,
  window_start INTEGER NOT NULL,
  count INTEGER NOT NULL,
  PRIMARY KEY (client, window_start)
);
