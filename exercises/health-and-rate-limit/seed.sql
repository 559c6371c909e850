CREATE TABLE quotes (
  id INTEGER PRIMARY KEY,
  text TEXT NOT NULL,
  author TEXT NOT NULL
);
INSERT INTO quotes (text, author) VALUES
  ('Simplicity is prerequisite for reliability.', 'Edsger W. Dijkstra'),
  ('Everything fails, all the time.', 'Werner Vogels'),
  ('Hope is not a strategy.', 'Traditional SRE saying');

-- Operators set draining to 1 before taking this instance out of service.
CREATE TABLE settings (
  key TEXT PRIMARY KEY,
  value INTEGER NOT NULL
);
INSERT INTO settings (key, value) VALUES ('draining', 0);
