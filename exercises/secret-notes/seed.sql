-- A private diary. The body column should hold encrypted text only.
CREATE TABLE notes (
  id INTEGER PRIMARY KEY,
  body TEXT NOT NULL
);
