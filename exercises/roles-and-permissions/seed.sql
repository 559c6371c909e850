-- Passwords: ada / "correct horse", grace / "sesame", linus / "hunter2" (stored only as argon2id hashes).
CREATE TABLE users (
  id INTEGER PRIMARY KEY,
  username TEXT NOT NULL UNIQUE,
  password_hash TEXT NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('admin', 'editor', 'reader'))
);
INSERT INTO users (username, password_hash, role) VALUES
  ('ada', '$argon2id$v=19$m=1024,t=2,p=1$kh8jVbvfa8kZiOTjXjh64A$2JcZHZTVEer7KeVo93lT/q3sztL7U4ekKvoWtoutdn4', 'admin'),
  ('grace', '$argon2id$v=19$m=1024,t=2,p=1$WyDLxUJsVqyc1gImRoZMBQ$pe/8VXVTmu4fgaoLp3vElx/e95rW2YUjtTrmFwQR+Hk', 'editor'),
  ('linus', '$argon2id$v=19$m=1024,t=2,p=1$gD4KotbgIWGzzSrSso1Hcw$Wc0Hq1f+9Lzdrjr4Uf3oPx0UdgueYXc2FiKgoj2aL8E', 'reader');

CREATE TABLE articles (
  id INTEGER PRIMARY KEY,
  title TEXT NOT NULL,
  body TEXT NOT NULL
);
INSERT INTO articles (id, title, body) VALUES
  (1, 'Welcome to the newsroom', 'Who we are and what we publish.'),
  (2, 'Style guide', 'Short sentences. Active voice. Check every number twice.'),
  (3, 'Election night live blog', 'Results as they come in.');

-- What the payroll route shows: admins only, from the office network only.
CREATE TABLE salaries (
  username TEXT PRIMARY KEY REFERENCES users(username),
  monthly_cents INTEGER NOT NULL
);
INSERT INTO salaries (username, monthly_cents) VALUES ('ada', 820000), ('grace', 610000), ('linus', 240000);
