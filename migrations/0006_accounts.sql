-- Accounts and their sessions. A password is kept only as its argon2 hash
-- (the PHC string: algorithm, parameters, salt and hash).
CREATE TABLE accounts (
    id            INTEGER PRIMARY KEY,
    email         TEXT    NOT NULL UNIQUE, -- trimmed and lower-cased
    password_hash TEXT    NOT NULL,
    is_admin      INTEGER NOT NULL DEFAULT 0 CHECK (is_admin IN (0, 1)),
    cart_id       TEXT    NOT NULL, -- the account's cart (cart_lines.cart_id)
    created_at    TEXT    NOT NULL  -- RFC 3339, UTC
);

-- A signed-in browser. The cookie holds a random id; this table holds only
-- its SHA-256, so a copy of the table signs no one in.
CREATE TABLE sessions (
    id_hash    TEXT    PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    expires_at TEXT    NOT NULL -- RFC 3339, UTC
);

CREATE INDEX sessions_by_account ON sessions (account_id);

-- Orders belong to accounts from now on; older ones (a cart's) to no one.
ALTER TABLE orders ADD COLUMN account_id INTEGER REFERENCES accounts (id);

CREATE INDEX orders_by_account ON orders (account_id);
