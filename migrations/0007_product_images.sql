-- A product's image: the name the server gave the uploaded file (under
-- `uploads-dir`, served at /images/<name>), or NULL for none.
ALTER TABLE products ADD COLUMN image TEXT;
