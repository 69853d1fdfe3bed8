-- CSV imports of leads: the uploaded rows wait here, are mapped onto lead fields, then a
-- background job imports them a batch at a time. Each batch commits with the cursor and the
-- counters, so an interrupted import resumes where it stopped and never writes a row twice.
CREATE TABLE lead_imports (
    tenant_id        uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    id               uuid NOT NULL,
    -- Who started it: the job acts with this member's current role. NULL once they leave.
    created_by       uuid,
    file_name        text NOT NULL CHECK (length(file_name) BETWEEN 1 AND 255),
    headers          text[] NOT NULL,
    -- Per column, the lead field it fills ('' = ignored); see models::sales::lead_import.
    mapping          text[] NOT NULL,
    external_source  text NOT NULL DEFAULT 'csv' CHECK (external_source ~ '^[a-z0-9_-]{1,40}$'),
    update_existing  boolean NOT NULL DEFAULT true,
    state            text NOT NULL DEFAULT 'mapping'
                     CHECK (state IN ('mapping', 'queued', 'running', 'done', 'failed', 'cancelled')),
    total_rows       integer NOT NULL CHECK (total_rows >= 0),
    -- The last row number imported (the header is row 1).
    last_row         integer NOT NULL DEFAULT 1,
    created_count    integer NOT NULL DEFAULT 0,
    updated_count    integer NOT NULL DEFAULT 0,
    unchanged_count  integer NOT NULL DEFAULT 0,
    failed_count     integer NOT NULL DEFAULT 0,
    error            text NOT NULL DEFAULT '',
    created_at       timestamptz NOT NULL DEFAULT now(),
    started_at       timestamptz,
    finished_at      timestamptz,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, created_by) REFERENCES memberships (tenant_id, user_id) ON DELETE SET NULL (created_by)
);
CREATE INDEX lead_imports_recent_idx ON lead_imports (tenant_id, created_at DESC);

-- The file's data rows, as uploaded; deleted when the import finishes.
CREATE TABLE lead_import_rows (
    tenant_id   uuid NOT NULL,
    import_id   uuid NOT NULL,
    row_number  integer NOT NULL,
    cells       text[] NOT NULL,
    PRIMARY KEY (tenant_id, import_id, row_number),
    FOREIGN KEY (tenant_id, import_id) REFERENCES lead_imports (tenant_id, id) ON DELETE CASCADE
);

-- Rows that could not be imported, with the first reason and the row as it was.
CREATE TABLE lead_import_errors (
    tenant_id   uuid NOT NULL,
    import_id   uuid NOT NULL,
    row_number  integer NOT NULL,
    field       text NOT NULL,
    message     text NOT NULL,
    cells       text[] NOT NULL,
    PRIMARY KEY (tenant_id, import_id, row_number),
    FOREIGN KEY (tenant_id, import_id) REFERENCES lead_imports (tenant_id, id) ON DELETE CASCADE
);

DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['lead_imports', 'lead_import_rows', 'lead_import_errors']
    LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('CREATE POLICY tenant_isolation ON %I USING (tenant_id = app_current_tenant()) '
                       'WITH CHECK (tenant_id = app_current_tenant())', t);
        EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %I TO sales_hunter_tenant', t);
    END LOOP;
END
$$;
