-- A visitor's cart: one row per product, keyed by the id in the cart cookie.
CREATE TABLE cart_lines (
    cart_id    TEXT        NOT NULL,
    product_id BIGINT      NOT NULL REFERENCES products (id),
    quantity   BIGINT      NOT NULL CHECK (quantity BETWEEN 1 AND 99),
    added_at   TIMESTAMPTZ NOT NULL, -- lines are listed in this order
    PRIMARY KEY (cart_id, product_id)
);
