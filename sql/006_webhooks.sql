-- 006_webhooks.sql - webhook endpoints, the event outbox and per-endpoint
-- deliveries (SPEC section 14).
--
-- An event row is written in the same transaction as the export's change
-- to READY, FAILED or EXPIRED, with one delivery row per enabled endpoint
-- of the tenant subscribed to its type (src/webhook_outbox.c).  ftx-exportd
-- claims due deliveries with FOR UPDATE SKIP LOCKED; a claim lapses at
-- claim_until, so a delivery whose worker died is taken again (the same
-- event id: receivers de-duplicate on it).  The body is rendered once, at
-- the first delivery attempt of the event, and kept in payload: every
-- retry and every endpoint gets the same bytes.  Ids are at most 255 bytes
-- like every id of the service (002_ids.sql).

CREATE TABLE webhook_endpoints (
	id text PRIMARY KEY
	    CONSTRAINT webhook_endpoints_id_length
	    CHECK (octet_length(id) <= 255),
	tenant_id text NOT NULL REFERENCES tenants
	    CONSTRAINT webhook_endpoints_tenant_id_length
	    CHECK (octet_length(tenant_id) <= 255),
	url text NOT NULL CHECK (octet_length(url) <= 2048),
	events text[] NOT NULL CHECK (events <@ ARRAY['export.ready',
	    'export.failed', 'export.expired'] AND cardinality(events) > 0),
	enabled boolean NOT NULL DEFAULT true,
	secret text NOT NULL,
	-- after a rotation the old secret signs alongside until then
	previous_secret text,
	previous_until timestamptz,
	created_at timestamptz NOT NULL DEFAULT now(),
	updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX webhook_endpoints_tenant_idx
    ON webhook_endpoints (tenant_id) WHERE enabled;

CREATE TABLE webhook_events (
	id text PRIMARY KEY
	    CONSTRAINT webhook_events_id_length
	    CHECK (octet_length(id) <= 255),
	tenant_id text NOT NULL
	    CONSTRAINT webhook_events_tenant_id_length
	    CHECK (octet_length(tenant_id) <= 255),
	type text NOT NULL CHECK (type IN ('export.ready', 'export.failed',
	    'export.expired')),
	export_id text NOT NULL REFERENCES exports ON DELETE CASCADE
	    CONSTRAINT webhook_events_export_id_length
	    CHECK (octet_length(export_id) <= 255),
	created_at timestamptz NOT NULL DEFAULT now(),
	payload text		-- the body, frozen at the first attempt
);

-- One event per export and type: an export reaches each state once, and a
-- change announced again (a completion retried after its first
-- transaction committed the announcement) writes nothing more.
CREATE UNIQUE INDEX webhook_events_export_type_idx
    ON webhook_events (export_id, type);

CREATE TABLE webhook_deliveries (
	event_id text NOT NULL REFERENCES webhook_events ON DELETE CASCADE,
	endpoint_id text NOT NULL REFERENCES webhook_endpoints
	    ON DELETE CASCADE,
	status text NOT NULL DEFAULT 'PENDING'
	    CHECK (status IN ('PENDING', 'DELIVERED', 'FAILED')),
	attempts integer NOT NULL DEFAULT 0,
	next_attempt_at timestamptz NOT NULL DEFAULT now(),
	claimed_by text,
	claim_token text,
	claim_until timestamptz,
	last_attempt_at timestamptz,
	last_status integer,		-- HTTP status, NULL if none came
	last_error text,
	delivered_at timestamptz,
	PRIMARY KEY (event_id, endpoint_id)
);

CREATE INDEX webhook_deliveries_due_idx
    ON webhook_deliveries (next_attempt_at) WHERE status = 'PENDING';
CREATE INDEX webhook_deliveries_endpoint_idx
    ON webhook_deliveries (endpoint_id, event_id);
