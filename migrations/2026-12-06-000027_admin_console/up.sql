-- The admin console: platform admins suspend organisations and deactivate people, and the
-- audit log also records what they do that belongs to no organisation.

-- A suspended organisation keeps its data; nobody can sign in to it and its sessions end.
ALTER TABLE tenants
    ADD COLUMN suspended_at timestamptz,
    ADD COLUMN suspended_reason text CHECK (length(suspended_reason) BETWEEN 1 AND 500);

-- A deactivated person cannot sign in anywhere; their memberships and records stay.
ALTER TABLE users ADD COLUMN deactivated_at timestamptz;
CREATE INDEX users_name_idx ON users (lower(name));

-- Platform-wide entries (granting platform admin, deactivating a person) have no tenant.
-- RLS still narrows a tenant to its own rows: NULL never equals the current tenant, and the
-- policy's WITH CHECK refuses a tenant writing one.
ALTER TABLE audit_log DROP CONSTRAINT audit_log_pkey;
ALTER TABLE audit_log ALTER COLUMN tenant_id DROP NOT NULL;
ALTER TABLE audit_log ADD PRIMARY KEY (id);
-- The explorer pages newest first on (created_at, id), across tenants or filtered by one of
-- these; each filter has an index in that order so a deep page is an index range, not a sort.
CREATE INDEX audit_log_time_idx ON audit_log (created_at DESC, id DESC);
CREATE INDEX audit_log_actor_idx ON audit_log (actor_id, created_at DESC, id DESC);
CREATE INDEX audit_log_action_idx ON audit_log (action, created_at DESC, id DESC);
CREATE INDEX audit_log_target_idx ON audit_log (target_type, target_id, created_at DESC, id DESC);

-- Append-only for both of the app's roles (the platform role lost UPDATE and DELETE in
-- migration 2; the tenant role never had them). Say TRUNCATE too, explicitly.
REVOKE UPDATE, DELETE, TRUNCATE ON audit_log FROM sales_hunter_platform, sales_hunter_tenant;
