CREATE TABLE projects (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL
);
INSERT INTO projects (name) VALUES ('Website relaunch'), ('Mobile app'), ('Quarterly report');
