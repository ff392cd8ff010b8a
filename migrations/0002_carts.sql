-- A visitor's cart: one row per product, keyed by the id in the cart cookie.
-- Carts have no table of their own: a cart exists while it has lines.
CREATE TABLE cart_lines (
    cart_id    TEXT    NOT NULL,
    product_id INTEGER NOT NULL REFERENCES products (id),
    quantity   INTEGER NOT NULL CHECK (quantity BETWEEN 1 AND 99),
    added_at   TEXT    NOT NULL, -- RFC 3339, UTC; lines are listed in this order
    PRIMARY KEY (cart_id, product_id)
);
