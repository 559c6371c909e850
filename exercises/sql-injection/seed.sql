-- A team directory. Every user has an API key: it must never leave the server.
CREATE TABLE users (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  surname TEXT NOT NULL,
  city TEXT NOT NULL,
  api_key TEXT NOT NULL
);
INSERT INTO users (name, surname, city, api_key) VALUES
  ('Ada', 'Lovelace', 'London', 'sk_live_ada_7Qm2xV9pL4'),
  ('Grace', 'Hopper', 'New York', 'sk_live_grace_R8tK1wZ6nB'),
  ('Alan', 'Turing', 'Manchester', 'sk_live_alan_c3Hy5Ud0Fe'),
  ('Grace', 'Murray', 'Boston', 'sk_live_gm_Lp9Sx2Qa7M'),
  ('Margaret', 'Hamilton', 'Cambridge', 'sk_live_margaret_Jd4Wn8Tb1K'),
  ('D''Arcy', 'Thompson', 'Dundee', 'sk_live_darcy_Vz6Gq3Ro5Y');
