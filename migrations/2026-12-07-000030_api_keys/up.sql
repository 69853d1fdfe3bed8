-- API keys: a tenant's own tools call /api/v1 as the member who made the key, with that
-- member's current role (and scope: a read key may only read). Only the key's SHA-256 is
-- stored; the key itself is shown once. A removed member's keys go with the membership.
CREATE TABLE api_keys (
    tenant_id        uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    id               uuid NOT NULL,
    name             text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    -- The key's first characters, shown so that keys can be told apart.
    prefix           text NOT NULL,
    key_hash         text NOT NULL,
    scope            text NOT NULL CHECK (scope IN ('read', 'write')),
    created_by       uuid NOT NULL,
    rate_per_minute  integer NOT NULL DEFAULT 600 CHECK (rate_per_minute BETWEEN 1 AND 100000),
    created_at       timestamptz NOT NULL DEFAULT now(),
    -- Kept to the minute: a busy key writes its row at most once a minute.
    last_used_at     timestamptz,
    revoked_at       timestamptz,
    PRIMARY KEY (tenant_id, id),
    CONSTRAINT api_keys_key_hash_key UNIQUE (key_hash),
    FOREIGN KEY (tenant_id, created_by) REFERENCES memberships (tenant_id, user_id) ON DELETE CASCADE
);
CREATE INDEX api_keys_by_creator ON api_keys (tenant_id, created_by);
ALTER TABLE api_keys ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON api_keys USING (tenant_id = app_current_tenant())
    WITH CHECK (tenant_id = app_current_tenant());
GRANT SELECT, INSERT ON api_keys TO sales_hunter_tenant;
GRANT UPDATE (revoked_at) ON api_keys TO sales_hunter_tenant;
