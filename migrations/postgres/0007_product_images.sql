-- A product's image, as migrations/0007_product_images.sql.
ALTER TABLE products ADD COLUMN image TEXT;
