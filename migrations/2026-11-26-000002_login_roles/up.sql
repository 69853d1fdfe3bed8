-- The authenticator pattern: the server logs in as a role with no privileges of its own
-- (created by `server migrate` from APP_DATABASE_URL) that may only SET LOCAL ROLE to
-- sales_hunter_tenant (RLS applies) or to sales_hunter_platform (BYPASSRLS, for the few
-- cross-tenant steps). An injected RESET ROLE then leaves a role that can read nothing.

DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'sales_hunter_platform') THEN
        CREATE ROLE sales_hunter_platform NOLOGIN NOSUPERUSER BYPASSRLS;
    END IF;
END
$$;
GRANT sales_hunter_platform TO CURRENT_USER;

GRANT USAGE ON SCHEMA public TO sales_hunter_platform;
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO sales_hunter_platform;
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO sales_hunter_platform;
-- Tables that later migrations create get the same grants.
ALTER DEFAULT PRIVILEGES IN SCHEMA public
    GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO sales_hunter_platform;
ALTER DEFAULT PRIVILEGES IN SCHEMA public
    GRANT USAGE, SELECT ON SEQUENCES TO sales_hunter_platform;

-- Neither role touches the migrations' bookkeeping, and the audit trail is append-only.
REVOKE ALL ON __diesel_schema_migrations FROM sales_hunter_platform;
REVOKE UPDATE, DELETE ON audit_log FROM sales_hunter_platform;
