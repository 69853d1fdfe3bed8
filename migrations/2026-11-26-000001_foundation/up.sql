-- Foundation: tenants, users, memberships, sessions, invitations, audit_log, login_attempts.
--
-- Isolation: every table with a tenant_id has row-level security keyed on the
-- transaction-local setting app.tenant_id. Tenant-scoped transactions switch to the
-- non-bypassing role sales_hunter_tenant (SET LOCAL ROLE), so RLS holds even when the pool
-- logs in as a superuser. Platform-level work (sign-in, session lookup, invitation
-- acceptance) runs as the login role and is kept to crates/platform/src/auth.

-- Roles are cluster-wide: create once, tolerate every later database (tests clone many).
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'sales_hunter_tenant') THEN
        CREATE ROLE sales_hunter_tenant NOLOGIN NOSUPERUSER NOBYPASSRLS;
    END IF;
END
$$;
GRANT sales_hunter_tenant TO CURRENT_USER;

-- The tenant of the current transaction, or NULL outside one. After a SET LOCAL the setting
-- reverts to '' rather than NULL, hence NULLIF.
CREATE FUNCTION app_current_tenant() RETURNS uuid
    LANGUAGE sql STABLE
    AS $$ SELECT NULLIF(current_setting('app.tenant_id', true), '')::uuid $$;

CREATE TABLE tenants (
    id          uuid PRIMARY KEY,
    name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE users (
    id                 uuid PRIMARY KEY,
    email              text NOT NULL CHECK (email = lower(email) AND length(email) <= 254),
    name               text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    password_hash      text NOT NULL,
    is_platform_admin  boolean NOT NULL DEFAULT false,
    created_at         timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT users_email_key UNIQUE (email)
);

CREATE TABLE memberships (
    tenant_id   uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    user_id     uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role        text NOT NULL CHECK (role IN ('owner', 'admin', 'manager', 'rep')),
    created_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, user_id)
);
CREATE INDEX memberships_user_idx ON memberships (user_id);

CREATE TABLE sessions (
    tenant_id     uuid NOT NULL,
    id            uuid NOT NULL,
    -- sha256 of the cookie token: a leaked table cannot be replayed.
    token_hash    text NOT NULL,
    user_id       uuid NOT NULL,
    ip            text,
    user_agent    text,
    created_at    timestamptz NOT NULL DEFAULT now(),
    expires_at    timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, id),
    CONSTRAINT sessions_token_hash_key UNIQUE (token_hash),
    FOREIGN KEY (tenant_id, user_id) REFERENCES memberships (tenant_id, user_id) ON DELETE CASCADE
);
CREATE INDEX sessions_expires_idx ON sessions (expires_at);

CREATE TABLE invitations (
    tenant_id    uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    id           uuid NOT NULL,
    email        text NOT NULL CHECK (email = lower(email) AND length(email) <= 254),
    role         text NOT NULL CHECK (role IN ('owner', 'admin', 'manager', 'rep')),
    token_hash   text NOT NULL,
    invited_by   uuid NOT NULL REFERENCES users (id),
    created_at   timestamptz NOT NULL DEFAULT now(),
    expires_at   timestamptz NOT NULL,
    accepted_at  timestamptz,
    revoked_at   timestamptz,
    PRIMARY KEY (tenant_id, id),
    CONSTRAINT invitations_token_hash_key UNIQUE (token_hash)
);
-- One open invitation per address and tenant.
CREATE UNIQUE INDEX invitations_open_email_idx ON invitations (tenant_id, email)
    WHERE accepted_at IS NULL AND revoked_at IS NULL;

CREATE TABLE audit_log (
    tenant_id    uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    id           bigint GENERATED ALWAYS AS IDENTITY,
    actor_id     uuid REFERENCES users (id) ON DELETE SET NULL,
    action       text NOT NULL,
    target_type  text,
    target_id    text,
    details      jsonb NOT NULL DEFAULT '{}'::jsonb,
    ip           text,
    request_id   text,
    created_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id)
);
CREATE INDEX audit_log_recent_idx ON audit_log (tenant_id, created_at DESC, id DESC);

-- Sign-in attempts feed the throttle (per account and per IP). Not tenant-owned: an attempt
-- happens before anyone knows the tenant.
CREATE TABLE login_attempts (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email       text NOT NULL,
    ip          text NOT NULL,
    succeeded   boolean NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX login_attempts_email_idx ON login_attempts (email, created_at);
CREATE INDEX login_attempts_ip_idx ON login_attempts (ip, created_at);

-- Row-level security on every tenant-owned table.
ALTER TABLE tenants ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON tenants
    USING (id = app_current_tenant()) WITH CHECK (id = app_current_tenant());

ALTER TABLE memberships ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON memberships
    USING (tenant_id = app_current_tenant()) WITH CHECK (tenant_id = app_current_tenant());

ALTER TABLE sessions ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON sessions
    USING (tenant_id = app_current_tenant()) WITH CHECK (tenant_id = app_current_tenant());

ALTER TABLE invitations ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON invitations
    USING (tenant_id = app_current_tenant()) WITH CHECK (tenant_id = app_current_tenant());

ALTER TABLE audit_log ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON audit_log
    USING (tenant_id = app_current_tenant()) WITH CHECK (tenant_id = app_current_tenant());

-- Users are global (one login, many tenants); a tenant sees only its own members.
ALTER TABLE users ENABLE ROW LEVEL SECURITY;
CREATE POLICY members_of_current_tenant ON users FOR SELECT
    USING (EXISTS (SELECT 1 FROM memberships m
                   WHERE m.user_id = users.id AND m.tenant_id = app_current_tenant()));

-- What the tenant role may touch at all; RLS then narrows it to one tenant's rows.
GRANT USAGE ON SCHEMA public TO sales_hunter_tenant;
GRANT SELECT, UPDATE ON tenants TO sales_hunter_tenant;
GRANT SELECT ON users TO sales_hunter_tenant;
GRANT SELECT, INSERT, UPDATE, DELETE ON memberships, sessions, invitations TO sales_hunter_tenant;
GRANT SELECT, INSERT ON audit_log TO sales_hunter_tenant;
GRANT EXECUTE ON FUNCTION app_current_tenant() TO sales_hunter_tenant;
