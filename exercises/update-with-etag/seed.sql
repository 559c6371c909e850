-- A team wiki. version counts the updates of each page: it starts at 1 and every update adds 1,
-- so it changes whenever the page changes (the ETag is built from it).
CREATE TABLE pages (
  id INTEGER PRIMARY KEY,
  title TEXT NOT NULL,
  body TEXT NOT NULL,
  version INTEGER NOT NULL DEFAULT 1
);
INSERT INTO pages (title, body, version) VALUES
  ('Onboarding', 'Get a laptop, then ask for repository access.', 1),
  ('Deploy checklist', 'Run the tests, tag the release, watch the dashboards.', 4),
  ('On-call rota', 'This week: Ada. Next week: Bob.', 2);
