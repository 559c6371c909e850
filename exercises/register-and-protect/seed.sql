-- Users register themselves; nobody is here yet.
CREATE TABLE users (
  id INTEGER PRIMARY KEY,
  username TEXT NOT NULL UNIQUE,
  password_hash TEXT NOT NULL,
  phone TEXT NOT NULL
);
-- A logged-in user's session. The token itself goes to the client only; the table keeps its
-- keyed hash (crypto.sign(token)), so a copy of the database holds no token that logs anyone in.
-- expires_at is a time in milliseconds (like Date.now()) after which the token is refused.
CREATE TABLE sessions (
  token_hash TEXT PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users(id),
  expires_at INTEGER NOT NULL
);
