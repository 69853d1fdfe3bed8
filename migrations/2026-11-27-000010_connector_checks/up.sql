-- Deletions the org no longer reports. `queryAll` sees a deleted record only while it sits in
-- the Recycle Bin (15 days, less once someone empties it), so a sync that did not run for
-- longer, or an org whose bin was emptied, would keep such records here forever. A periodic
-- check reads every remote id of an object (ids only, in the pull's order) into
-- `connector_seen`; a link whose record was not seen was deleted there.
ALTER TABLE connection_objects
    ADD COLUMN checked_at        timestamptz,
    ADD COLUMN check_started_at  timestamptz,
    ADD COLUMN check_cursor_at   timestamptz,
    ADD COLUMN check_cursor_id   text NOT NULL DEFAULT '';

CREATE TABLE connector_seen (
    tenant_id      uuid NOT NULL,
    connection_id  uuid NOT NULL,
    object         text NOT NULL,
    external_id    text NOT NULL,
    PRIMARY KEY (tenant_id, connection_id, object, external_id),
    FOREIGN KEY (tenant_id, connection_id) REFERENCES connections (tenant_id, id) ON DELETE CASCADE
);
ALTER TABLE connector_seen ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON connector_seen USING (tenant_id = app_current_tenant())
    WITH CHECK (tenant_id = app_current_tenant());
GRANT SELECT, INSERT, DELETE ON connector_seen TO sales_hunter_tenant;
