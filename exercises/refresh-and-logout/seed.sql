-- Passwords: ada / "correct horse", grace / "sesame" (stored only as argon2id hashes).
CREATE TABLE users (
  id INTEGER PRIMARY KEY,
  username TEXT NOT NULL UNIQUE,
  password_hash TEXT NOT NULL
);
-- One row per refresh token ever issued. Every token rotated from one login shares its family.
CREATE TABLE refresh_tokens (
  id INTEGER PRIMARY KEY,
  token_hash TEXT NOT NULL UNIQUE,    -- what identifies the token: never the token itself
  family TEXT NOT NULL,               -- the login it descends from
  username TEXT NOT NULL,
  expires_at INTEGER,                 -- ms on the app's clock; NULL in rows imported from the old app
  used INTEGER NOT NULL DEFAULT 0,    -- 1 once it was exchanged for a new pair
  revoked INTEGER NOT NULL DEFAULT 0  -- 1 once its family was ended (logout, or a reused token)
);
INSERT INTO users (username, password_hash) VALUES
  ('ada', '$argon2id$v=19$m=1024,t=2,p=1$kh8jVbvfa8kZiOTjXjh64A$2JcZHZTVEer7KeVo93lT/q3sztL7U4ekKvoWtoutdn4'),
  ('grace', '$argon2id$v=19$m=1024,t=2,p=1$WyDLxUJsVqyc1gImRoZMBQ$pe/8VXVTmu4fgaoLp3vElx/e95rW2YUjtTrmFwQR+Hk');
-- Imported from the old app, which never expired its tokens: no expiry was recorded.
INSERT INTO refresh_tokens (token_hash, family, username, expires_at) VALUES
  ('884a30c3f553e4760ce2499f1976b511a381e700e3c4f6940ba3d92413db39f1', 'imported-1', 'grace', NULL);
