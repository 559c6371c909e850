-- Passwords: ada / "correct horse", grace / "sesame". Only their argon2id hashes are stored.
-- failed_attempts counts wrong passwords in a row; locked_until is a time in milliseconds
-- (like Date.now()) before which every login is refused, or NULL when the account is not locked.
CREATE TABLE users (
  id INTEGER PRIMARY KEY,
  username TEXT NOT NULL UNIQUE,
  password_hash TEXT NOT NULL,
  failed_attempts INTEGER NOT NULL DEFAULT 0,
  locked_until INTEGER
);
INSERT INTO users (username, password_hash) VALUES
  ('ada', '$argon2id$v=19$m=1024,t=2,p=1$sciONs3hW0kpMwrnX1kQkw$/FVsSID7pdhIA7iFKIMxyAxgHDumMLAM4pa9iO24lik'),
  ('grace', '$argon2id$v=19$m=1024,t=2,p=1$uzgW0UbaYIqXv1ZcFU5MMA$H/5NH/baKlo+lUy9jMYg6MqFMgBoROcFxySEMmjipJU');
