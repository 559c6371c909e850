-- Passwords: ada / "correct horse", grace / "sesame" (stored only as argon2id hashes).
CREATE TABLE users (
  id INTEGER PRIMARY KEY,
  username TEXT NOT NULL UNIQUE,
  password_hash TEXT NOT NULL
);
INSERT INTO users (username, password_hash) VALUES
  ('ada', '$argon2id$v=19$m=1024,t=2,p=1$kh8jVbvfa8kZiOTjXjh64A$2JcZHZTVEer7KeVo93lT/q3sztL7U4ekKvoWtoutdn4'),
  ('grace', '$argon2id$v=19$m=1024,t=2,p=1$WyDLxUJsVqyc1gImRoZMBQ$pe/8VXVTmu4fgaoLp3vElx/e95rW2YUjtTrmFwQR+Hk');
