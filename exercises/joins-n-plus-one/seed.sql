-- A small blog: each post has one author and any number of comments and likes.
CREATE TABLE authors (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL
);
CREATE TABLE posts (
  id INTEGER PRIMARY KEY,
  author_id INTEGER NOT NULL REFERENCES authors (id),
  title TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE TABLE comments (
  id INTEGER PRIMARY KEY,
  post_id INTEGER NOT NULL REFERENCES posts (id),
  body TEXT NOT NULL
);
CREATE TABLE likes (
  id INTEGER PRIMARY KEY,
  post_id INTEGER NOT NULL REFERENCES posts (id),
  reader TEXT NOT NULL
);
CREATE INDEX comments_by_post ON comments (post_id);
CREATE INDEX likes_by_post ON likes (post_id);

INSERT INTO authors (name) VALUES ('Ada'), ('Bob'), ('Cleo');
INSERT INTO posts (author_id, title, created_at) VALUES
  (1, 'Why we moved to SQLite', '2024-03-01T09:00:00.000Z'),
  (2, 'A week of on-call', '2024-03-04T09:00:00.000Z'),
  (1, 'Indexes, explained with a phone book', '2024-03-08T09:00:00.000Z'),
  (3, 'Our first outage report', '2024-03-12T09:00:00.000Z'),
  (2, 'Draft: naming things', '2024-03-12T09:00:00.000Z'),
  (3, 'Hiring a second backend developer', '2024-03-15T09:00:00.000Z');
INSERT INTO comments (post_id, body) VALUES
  (1, 'We did the same!'), (1, 'What about backups?'), (1, 'Litestream.'),
  (2, 'Thanks for writing this down.'),
  (4, 'Great write-up.'), (4, 'What was the root cause?'),
  (6, 'Is it remote?');
INSERT INTO likes (post_id, reader) VALUES
  (1, 'dan'), (1, 'eve'),
  (3, 'dan'), (3, 'eve'), (3, 'fay'),
  (4, 'dan'), (4, 'fay'),
  (6, 'eve');
