-- A merchant's orders: the merchant settlement (counts and totals by status) and a merchant's page of
-- GET /api/orders (newest first, paged by order_id) select a tenant's orders by merchant_id, and
-- without this index both read every order of the tenant. order_id comes last so that a page walks
-- the index in its own order and stops after the page, with or without a status filter; the
-- settlement reads all of the merchant's rows anyway.
CREATE INDEX IF NOT EXISTS app_orders_merchant ON app_orders (tenant_id, merchant_id, order_id);
