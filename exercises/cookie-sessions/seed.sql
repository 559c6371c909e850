-- Passwords: ada / "correct horse", mallory / "swordfish" (stored only as argon2id hashes).
-- Mallory is a customer too: she can log in and read her own CSRF token.
CREATE TABLE users (
  id INTEGER PRIMARY KEY,
  username TEXT NOT NULL UNIQUE,
  password_hash TEXT NOT NULL
);
INSERT INTO users (id, username, password_hash) VALUES
  (1, 'ada', '$argon2id$v=19$m=1024,t=2,p=1$kh8jVbvfa8kZiOTjXjh64A$2JcZHZTVEer7KeVo93lT/q3sztL7U4ekKvoWtoutdn4'),
  (2, 'mallory', '$argon2id$v=19$m=1024,t=2,p=1$7TrMe2yAa5fZfPzLH2KTTQ$ZTeqZoTQsDq63knkxPz3Jeuo5xvbzp8J5vKC083o76Q');

-- One row per logged-in browser. id_hash is what the app stores for the cookie's session id;
-- csrf_token is the session's CSRF token (the page puts it in every form it sends);
-- expires_at is a time in milliseconds (like Date.now()) after which the session is refused.
CREATE TABLE sessions (
  id_hash TEXT PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users(id),
  csrf_token TEXT NOT NULL,
  expires_at INTEGER NOT NULL
);

-- Money a user asked to send. A forged request that gets in here is money gone.
CREATE TABLE transfers (
  id INTEGER PRIMARY KEY,
  from_user INTEGER NOT NULL REFERENCES users(id),
  to_username TEXT NOT NULL,
  amount_cents INTEGER NOT NULL CHECK (amount_cents > 0)
);
