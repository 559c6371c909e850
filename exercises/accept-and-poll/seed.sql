-- A web shop's orders from 2023 to 2025 (30,000 of them), and the jobs table for slow work.
CREATE TABLE orders (
  id INTEGER PRIMARY KEY,
  placed_on TEXT NOT NULL,        -- 'YYYY-MM-DD'
  total_cents INTEGER NOT NULL
);
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 30000)
INSERT INTO orders (id, placed_on, total_cents)
SELECT i, date('2023-01-01', '+' || ((i * 7919) % 1096) || ' days'), (i * 37) % 9000 + 500 FROM n;

-- One row per piece of slow work: queued -> running -> done (or failed).
CREATE TABLE jobs (
  id TEXT PRIMARY KEY,
  year INTEGER NOT NULL,
  status TEXT NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'done', 'failed')),
  result TEXT,                    -- the finished report, as JSON text
  created_at INTEGER NOT NULL     -- clock.now() when the job was queued
);
