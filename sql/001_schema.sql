-- 001_schema.sql - the upstream tables (SPEC section 5) and the service's own.
--
-- Applied by "ftx-admin migrate" inside one transaction together with its
-- schema_migrations row: no BEGIN/COMMIT here, nothing that cannot run in a
-- transaction block (CREATE INDEX CONCURRENTLY, VACUUM).

-- Upstream tables.  Their documented columns are an interface: extra
-- columns, indexes and checks are allowed, renaming is not.

CREATE TABLE tenants (
	id text PRIMARY KEY,
	name text NOT NULL
);

CREATE TABLE suppliers (
	id text PRIMARY KEY,
	tenant_id text NOT NULL REFERENCES tenants,
	external_id text NOT NULL,
	name text NOT NULL,
	UNIQUE (tenant_id, external_id)
);

CREATE TABLE balance_accounts (
	id text PRIMARY KEY,
	tenant_id text NOT NULL REFERENCES tenants,
	type text NOT NULL CHECK (type IN ('MARKETPLACE', 'SUPPLIER')),
	supplier_id text REFERENCES suppliers,
	-- supplier_id is set iff type = 'SUPPLIER'
	CONSTRAINT balance_accounts_supplier_check
	    CHECK ((type = 'SUPPLIER') = (supplier_id IS NOT NULL))
);

-- A supplier's scope: its balance accounts.
CREATE INDEX balance_accounts_supplier_idx ON balance_accounts (supplier_id);
CREATE INDEX balance_accounts_tenant_idx ON balance_accounts (tenant_id, type);

CREATE TABLE funding_transfers (
	id text PRIMARY KEY,
	tenant_id text NOT NULL REFERENCES tenants,
	created_at timestamptz NOT NULL,
	status text NOT NULL CHECK (status IN
	    ('PENDING', 'PROCESSING', 'COMPLETED', 'FAILED', 'CANCELED')),
	amount numeric(20,4) NOT NULL CHECK (amount >= 0),
	currency char(3) NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
	source_balance_account_id text NOT NULL REFERENCES balance_accounts,
	target_balance_account_id text NOT NULL REFERENCES balance_accounts,
	supplier_id text NOT NULL REFERENCES suppliers,
	reference text,
	related_entity_type text CHECK (related_entity_type IN ('PAYOUT', 'REFUND')),
	related_entity_id text,
	failure_reason text
);

-- Operator scope and keyset order: newest first / CSV order within a tenant.
CREATE INDEX funding_transfers_tenant_created_idx
    ON funding_transfers (tenant_id, created_at, id);
-- Supplier scope: transfers whose source or target account is the supplier's.
CREATE INDEX funding_transfers_source_created_idx
    ON funding_transfers (source_balance_account_id, created_at, id);
CREATE INDEX funding_transfers_target_created_idx
    ON funding_transfers (target_balance_account_id, created_at, id);

-- The service's own tables.

CREATE TABLE users (
	id text PRIMARY KEY DEFAULT gen_random_uuid()::text,
	tenant_id text NOT NULL REFERENCES tenants,
	email text NOT NULL
	    CHECK (email ~ '^[^@[:space:][:cntrl:],<>]+@[^@[:space:][:cntrl:],<>]+$'),
	role text NOT NULL CHECK (role IN ('OPERATOR', 'SUPPLIER')),
	supplier_id text REFERENCES suppliers,
	created_at timestamptz NOT NULL DEFAULT now(),
	disabled_at timestamptz,
	-- a SUPPLIER is bound to one supplier, an OPERATOR to none
	CONSTRAINT users_supplier_check
	    CHECK ((role = 'SUPPLIER') = (supplier_id IS NOT NULL))
);

CREATE INDEX users_tenant_idx ON users (tenant_id, created_at, id);

CREATE TABLE api_keys (
	key_id text PRIMARY KEY CHECK (key_id ~ '^[a-z0-9]{8,32}$'),
	user_id text NOT NULL REFERENCES users,
	secret_hash text NOT NULL,
	created_at timestamptz NOT NULL DEFAULT now(),
	revoked_at timestamptz
);

CREATE INDEX api_keys_user_idx ON api_keys (user_id);

CREATE TABLE exports (
	id text PRIMARY KEY DEFAULT gen_random_uuid()::text,
	tenant_id text NOT NULL REFERENCES tenants,
	user_id text NOT NULL REFERENCES users,
	client_type text NOT NULL CHECK (client_type IN ('OPERATOR', 'SUPPLIER')),
	status text NOT NULL DEFAULT 'PENDING'
	    CHECK (status IN ('PENDING', 'READY', 'FAILED', 'EXPIRED')),
	filters jsonb NOT NULL DEFAULT '{}',
	cc text[] NOT NULL DEFAULT '{}',
	created_at timestamptz NOT NULL DEFAULT now(),
	updated_at timestamptz NOT NULL DEFAULT now(),
	completed_at timestamptz,
	expires_at timestamptz,
	row_count bigint,
	file_size bigint,
	sha256 text,
	file_path text,
	failure_reason text,
	attempts int NOT NULL DEFAULT 0,
	next_attempt_at timestamptz NOT NULL DEFAULT now(),
	claim_token text,
	claimed_by text,
	claimed_until timestamptz,
	mail_sent_at timestamptz
);

-- The caller's exports, newest first, ties broken by id.
CREATE INDEX exports_user_created_idx
    ON exports (user_id, created_at DESC, id DESC);
-- At most one PENDING export per user, even under concurrent requests.
CREATE UNIQUE INDEX exports_one_pending_per_user_idx
    ON exports (user_id) WHERE status = 'PENDING';
-- The daemon's queue.
CREATE INDEX exports_queue_idx
    ON exports (next_attempt_at) WHERE status = 'PENDING';
-- Expiry of READY links.
CREATE INDEX exports_expiry_idx
    ON exports (expires_at) WHERE status = 'READY';

CREATE TABLE idempotency_keys (
	user_id text NOT NULL REFERENCES users,
	key text NOT NULL,
	request_hash text NOT NULL,
	export_id text REFERENCES exports,
	status_code int,
	created_at timestamptz NOT NULL DEFAULT now(),
	PRIMARY KEY (user_id, key)
);

-- Purging keys older than their retention.
CREATE INDEX idempotency_keys_created_idx ON idempotency_keys (created_at);
