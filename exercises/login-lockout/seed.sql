-- Passwords: ada / "correct horse", grace / "sesame". Only their argon2id hashes are stored.
CREATE TABLE users (
  id INTEGER PRIMARY KEY,
  username TEXT NOT NULL UNIQUE,
  password_hash TEXT NOT NULL
);
INSERT INTO users (username, password_hash) VALUES
  ('ada', '$argon2id$v=19$m=1024,t=2,p=1$sciONs3hW0kpMwrnX1kQkw$/FVsSID7pdhIA7iFKIMxyAxgHDumMLAM4pa9iO24lik'),
  ('grace', '$argon2id$v=19$m=1024,t=2,p=1$uzgW0UbaYIqXv1ZcFU5MMA$H/5NH/baKlo+lUy9jMYg6MqFMgBoROcFxySEMmjipJU');

-- Failed logins per username as typed, whether or not such a user exists (so an unknown name is
-- treated exactly like a real one). failed_attempts counts wrong passwords in a row;
-- locked_until is a time in milliseconds (like Date.now()) before which every login for that
-- username is refused, or NULL. No row means no failures.
CREATE TABLE login_attempts (
  username TEXT PRIMARY KEY,
  failed_attempts INTEGER NOT NULL DEFAULT 0,
  locked_until INTEGER
);
