-- What a standard org still lost (issue 21).
--
-- A mapped field the org does not show (missing, or hidden from the API user by field-level
-- security) made every query fail with INVALID_FIELD. A run now reads the object's describe
-- first, leaves such fields out and keeps their names here for the mapping page.
--
-- A full resync (after a mapping change) is asked for here and started by the next run,
-- which reads the object from the start: a run under way keeps its own cursor meanwhile.
ALTER TABLE connection_objects
    ADD COLUMN unseen_fields text[] NOT NULL DEFAULT '{}',
    ADD COLUMN resync_requested boolean NOT NULL DEFAULT false;

-- Records a pull could not apply (a stage not known here, a value a rule refuses). The cursor
-- passes them with their page, so without this set they would never be tried again: every
-- later run fetches them by id until they apply or are gone on the remote side.
CREATE TABLE connector_retries (
    tenant_id        uuid NOT NULL,
    connection_id    uuid NOT NULL,
    object           text NOT NULL,
    external_id      text NOT NULL,
    message          text NOT NULL,
    attempts         integer NOT NULL DEFAULT 1,
    first_failed_at  timestamptz NOT NULL DEFAULT now(),
    last_failed_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, connection_id, object, external_id),
    FOREIGN KEY (tenant_id, connection_id) REFERENCES connections (tenant_id, id) ON DELETE CASCADE
);
ALTER TABLE connector_retries ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON connector_retries USING (tenant_id = app_current_tenant())
    WITH CHECK (tenant_id = app_current_tenant());
GRANT SELECT, INSERT, UPDATE, DELETE ON connector_retries TO sales_hunter_tenant;
