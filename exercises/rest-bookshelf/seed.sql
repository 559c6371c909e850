-- Each ISBN identifies one edition of a book, so it may appear only once.
CREATE TABLE books (
  id INTEGER PRIMARY KEY,
  isbn TEXT NOT NULL UNIQUE,
  title TEXT NOT NULL,
  author TEXT NOT NULL
);
INSERT INTO books (isbn, title, author) VALUES
  ('9780441013593', 'Dune', 'Frank Herbert'),
  ('9780547928227', 'The Hobbit', 'J. R. R. Tolkien'),
  ('9780441478125', 'The Left Hand of Darkness', 'Ursula K. Le Guin');
