-- The catalog. Prices are integer cents (no rounding, ever); stock can never
-- go below zero, so an oversell fails in the database even if a rule is missed.
CREATE TABLE products (
    id          INTEGER PRIMARY KEY,
    name        TEXT    NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    description TEXT    NOT NULL,
    price_cents INTEGER NOT NULL CHECK (price_cents >= 0),
    stock       INTEGER NOT NULL CHECK (stock >= 0),
    created_at  TEXT    NOT NULL -- RFC 3339, UTC
);
