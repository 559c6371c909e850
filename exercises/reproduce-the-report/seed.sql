-- Meeting room bookings. starts_at is the building's local time, as text: 'YYYY-MM-DD HH:MM'.
CREATE TABLE bookings (
  id INTEGER PRIMARY KEY,
  room TEXT NOT NULL,
  guest TEXT NOT NULL,
  starts_at TEXT NOT NULL
);
INSERT INTO bookings (id, room, guest, starts_at) VALUES
  (1, 'Fjord', 'Amir', '2024-05-31 23:30'),
  (2, 'Fjord', 'Bea', '2024-06-01 00:00'),
  (3, 'Atlas', 'Chen', '2024-06-03 09:00'),
  (4, 'Atlas', 'Dana', '2024-06-15 00:00'),
  (5, 'Fjord', 'Eli', '2024-06-15 14:30'),
  (6, 'Atlas', 'Femi', '2024-06-15 23:59'),
  (7, 'Fjord', 'Gus', '2024-06-29 16:00'),
  (8, 'Fjord', 'Hana', '2024-06-30 18:00'),
  (9, 'Atlas', 'Ines', '2024-07-01 00:00'),
  (10, 'Atlas', 'Jo', '2024-07-02 10:00'),
  -- Booked last, for a time before booking 10: id order is not time order.
  (11, 'Fjord', 'Kai', '2024-07-01 09:00');
