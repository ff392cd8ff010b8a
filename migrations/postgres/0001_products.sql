-- The catalog, as migrations/0001_products.sql in PostgreSQL's dialect.
-- Prices are integer cents; stock can never go below zero, so an oversell
-- fails in the database even if a rule is missed.
CREATE TABLE products (
    id          BIGINT      PRIMARY KEY,
    name        TEXT        NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    description TEXT        NOT NULL,
    price_cents BIGINT      NOT NULL CHECK (price_cents >= 0),
    stock       BIGINT      NOT NULL CHECK (stock >= 0),
    created_at  TIMESTAMPTZ NOT NULL
);
