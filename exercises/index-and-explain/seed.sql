-- 100,000 customers and no index on email (yet).
CREATE TABLE customers (
  id INTEGER PRIMARY KEY,
  email TEXT NOT NULL,
  name TEXT NOT NULL,
  country TEXT NOT NULL
);
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100000)
INSERT INTO customers (id, email, name, country)
SELECT
  i,
  'customer' || i || '@example.com',
  CASE i % 6 WHEN 0 THEN 'Ada' WHEN 1 THEN 'Grace' WHEN 2 THEN 'Alan' WHEN 3 THEN 'Katherine' WHEN 4 THEN 'Linus' ELSE 'Barbara' END
    || ' ' || CASE i % 7 WHEN 0 THEN 'Smith' WHEN 1 THEN 'Okafor' WHEN 2 THEN 'Nguyen' WHEN 3 THEN 'Garcia' WHEN 4 THEN 'Müller' WHEN 5 THEN 'Kowalski' ELSE 'Tanaka' END,
  CASE i % 5 WHEN 0 THEN 'NL' WHEN 1 THEN 'DE' WHEN 2 THEN 'FR' WHEN 3 THEN 'US' ELSE 'JP' END
FROM n;
