-- Sign-ups land here. The password is stored only as an argon2id hash.
CREATE TABLE users (
  id INTEGER PRIMARY KEY,
  username TEXT NOT NULL UNIQUE,
  email TEXT NOT NULL,
  password_hash TEXT NOT NULL,
  age INTEGER NOT NULL
);
