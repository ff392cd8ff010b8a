-- The counter example's one number, kept in a one-row table.
CREATE TABLE counter (
    id    BIGINT PRIMARY KEY CHECK (id = 1),
    value BIGINT NOT NULL
);

INSERT INTO counter (id, value) VALUES (1, 0);
