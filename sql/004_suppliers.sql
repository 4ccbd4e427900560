-- 004_suppliers.sql - the supplier list (GET /v1/payments/suppliers) by
-- name, then external id, within a tenant.
--
-- Its keyset pages read "tenant_id = $1 AND (name, external_id) > ($2, $3)
-- ORDER BY name, external_id LIMIT n": one range scan of this index from
-- the cursor, however deep the page.  The UNIQUE (tenant_id, external_id)
-- index of 001 cannot serve that order.  An index on the upstream table is
-- allowed (SPEC section 5).
CREATE INDEX suppliers_tenant_name_idx
    ON suppliers (tenant_id, name, external_id);
