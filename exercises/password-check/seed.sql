-- Passwords: ada / "correct horse", grace / "sesame". Only their argon2id hashes are stored.
CREATE TABLE users (
  id INTEGER PRIMARY KEY,
  username TEXT NOT NULL UNIQUE,
  password_hash TEXT NOT NULL
);
INSERT INTO users (username, password_hash) VALUES
  ('ada', '$argon2id$v=19$m=1024,t=2,p=1$iC8ITpJt8iJ/8MC5jYNX7g$AQsrOiolVqlvAmcyCuq91DSQ+nxkdgZHBkaOLhbxTUU'),
  ('grace', '$argon2id$v=19$m=1024,t=2,p=1$+sDBO3lrw5peEBQfL8XuOw$CTa4QgoxpPCp3Bqj+ZvxNSAUplLKM5ntRcnFdPhkj+c');
