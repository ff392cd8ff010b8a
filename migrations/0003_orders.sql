-- Orders copy each line's name and price at checkout, so a later price change
-- never rewrites what a customer paid.
CREATE TABLE orders (
    id          INTEGER PRIMARY KEY,
    cart_id     TEXT    NOT NULL, -- who may see the order
    status      TEXT    NOT NULL CHECK (status IN ('placed', 'shipped', 'delivered', 'cancelled')),
    placed_at   TEXT    NOT NULL, -- RFC 3339, UTC
    total_cents INTEGER NOT NULL CHECK (total_cents >= 0)
);

CREATE TABLE order_lines (
    order_id         INTEGER NOT NULL REFERENCES orders (id),
    product_id       INTEGER NOT NULL REFERENCES products (id),
    name             TEXT    NOT NULL,
    unit_price_cents INTEGER NOT NULL CHECK (unit_price_cents >= 0),
    quantity         INTEGER NOT NULL CHECK (quantity >= 1),
    PRIMARY KEY (order_id, product_id)
);

CREATE INDEX orders_by_cart ON orders (cart_id);
