-- A payroll service's employees. iban is encrypted: "<key id>:<iv>:<ciphertext>", AES-256-GCM,
-- base64. The key of each id comes from the environment (IBAN_KEY_V1, IBAN_KEY_V2, ...).
-- Ada and Grace were stored under v1, the key being retired. Linus's row was damaged by a bad
-- restore (one character of its ciphertext changed): AES-GCM notices, and decrypting it fails.
CREATE TABLE employees (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  iban TEXT NOT NULL
);
INSERT INTO employees (id, name, iban) VALUES
  (1, 'Ada Lovelace', 'v1:xN5ycU8BvFklYpow:zJDB93uV1vwd8Ll/M8qtwP3iGyePUGtry2aJRav6r2DUWXKOjVvuNdPAcA=='),
  (2, 'Grace Hopper', 'v1:kvaemGJsemlWWpNb:zyIRaNY91CNHl+JGSkOmfruxCPQitH8e9wITpqGGDDvZxvt+6fWDEWbAfQ=='),
  (3, 'Linus Torvalds', 'v1:ouZn6cJvZi2R32FT:N8x9QX2oenrq5CRUF3vQDrIkD/q5MgjekizrYnWhChZzPc8EjTMXot+QEN35zzdpNx==');
