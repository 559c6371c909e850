-- 200 articles, one a day from 2025-01-01, but 199 and 200 came out on the same day: article 200
-- is the newest, and only the id tells it from 199.
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
  date('2025-01-01', '+' || (CASE WHEN i = 199 THEN 199 ELSE i - 1 END) || ' days')
FROM n;
