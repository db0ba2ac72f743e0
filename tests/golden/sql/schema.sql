-- Orders schema, shared by the order and billing services.
CREATE TABLE customers (
    id BIGSERIAL PRIMARY KEY,
    email VARCHAR(255) NOT NULL UNIQUE,
    created_at TIMESTAMP NOT NULL DEFAULT now()
);

CREATE TABLE orders (
    id BIGSERIAL PRIMARY KEY,
    customer_id BIGINT NOT NULL REFERENCES customers (id),
    total_cents INTEGER NOT NULL CHECK (total_cents >= 0),
    status VARCHAR(20) NOT NULL DEFAULT 'pending'
);

CREATE INDEX orders_customer_idx ON orders (customer_id);

/* the dashboard's query */
SELECT c.email, count(o.id) AS n, sum(o.total_cents) / 100.0 AS total
FROM customers c
JOIN orders o ON o.customer_id = c.id
WHERE o.status = 'paid'
GROUP BY c.email
ORDER BY total DESC
LIMIT 10;
