CREATE TABLE entries (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  message TEXT NOT NULL
);
INSERT INTO entries (name, message) VALUES ('Ada', 'Lovely little site!');
