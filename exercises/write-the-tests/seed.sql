-- The sign-up API's table, with one user already in it.
CREATE TABLE users (
  id INTEGER PRIMARY KEY,
  email TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL
);
INSERT INTO users (email, name) VALUES ('grace@example.com', 'Grace Hopper');
