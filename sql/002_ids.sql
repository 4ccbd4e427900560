-- 002_ids.sql - the ids of the service's own tables are at most 255 bytes.
--
-- The programs hold an id whole or refuse it (FTX_ID_MAX in src/accounts.h):
-- none is ever cut short, so two ids sharing a long prefix can never be
-- read as one (SPEC section 16).  These checks keep the tables within what
-- the programs accept.  The upstream tables are left as they are: an
-- over-long upstream id is refused where it is read.  A database already
-- holding a longer id stops here, with the constraint named, rather than
-- keep a row the service could not serve.

ALTER TABLE users
    ADD CONSTRAINT users_id_length CHECK (octet_length(id) <= 255),
    ADD CONSTRAINT users_tenant_id_length
	CHECK (octet_length(tenant_id) <= 255),
    ADD CONSTRAINT users_supplier_id_length
	CHECK (octet_length(supplier_id) <= 255);

ALTER TABLE api_keys
    ADD CONSTRAINT api_keys_user_id_length
	CHECK (octet_length(user_id) <= 255);

ALTER TABLE exports
    ADD CONSTRAINT exports_id_length CHECK (octet_length(id) <= 255),
    ADD CONSTRAINT exports_tenant_id_length
	CHECK (octet_length(tenant_id) <= 255),
    ADD CONSTRAINT exports_user_id_length
	CHECK (octet_length(user_id) <= 255);

ALTER TABLE idempotency_keys
    ADD CONSTRAINT idempotency_keys_user_id_length
	CHECK (octet_length(user_id) <= 255),
    ADD CONSTRAINT idempotency_keys_export_id_length
	CHECK (octet_length(export_id) <= 255);
