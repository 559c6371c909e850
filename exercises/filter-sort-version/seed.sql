CREATE TABLE books (
  id INTEGER PRIMARY KEY,
  title TEXT NOT NULL,
  author TEXT NOT NULL,
  year INTEGER NOT NULL
);
INSERT INTO books (title, author, year) VALUES
  ('The Left Hand of Darkness', 'Ursula K. Le Guin', 1969),
  ('Dune', 'Frank Herbert', 1965),
  ('A Wizard of Earthsea', 'Ursula K. Le Guin', 1968),
  ('Kindred', 'Octavia E. Butler', 1979),
  ('The Dispossessed', 'Ursula K. Le Guin', 1974),
  ('Parable of the Sower', 'Octavia E. Butler', 1993),
  ('Neuromancer', 'William Gibson', 1984);
