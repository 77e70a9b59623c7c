CREATE TABLE IF NOT EXISTS customer (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  email TEXT NOT NULL,
  phone TEXT
);
CREATE UNIQUE INDEX IF NOT EXISTS customer_email ON customer (email);
