-- 200 articles, one a day from 2025-01-01: article 200 is the newest.
CREATE TABLE articles (
  id INTEGER PRIMARY KEY,
  title TEXT NOT NULL,
  published_at TEXT NOT NULL
);
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 200)
INSERT INTO articles (id, title, published_at)
SELECT
  i,
  CASE i % 5
    WHEN 0 THEN 'Caching without tears'
    WHEN 1 THEN 'Indexes, explained'
    WHEN 2 THEN 'Why your query is slow'
    WHEN 3 THEN 'Status codes that matter'
    ELSE 'Logging like you mean it'
  END || ', part ' || i,
  date('2025-01-01', '+' || (i - 1) || ' days')
FROM n;
