CREATE TABLE tasks (
  id INTEGER PRIMARY KEY,
  title TEXT NOT NULL,
  priority TEXT NOT NULL DEFAULT 'normal' CHECK (priority IN ('low', 'normal', 'high')),
  done INTEGER NOT NULL DEFAULT 0 CHECK (done IN (0, 1))
);
INSERT INTO tasks (title, priority, done) VALUES
  ('Agree on the API contract', 'high', 1),
  ('Build the task list screen', 'normal', 0);
