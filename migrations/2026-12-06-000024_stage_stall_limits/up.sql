-- The stall check on a deal's page (issue 22): each stage's limit (the tenant's chosen
-- percentile of the finished stays in it), computed by a job from every deal's history
-- and read by the page, so a view never reads every deal. NULL: fewer than four stays.
CREATE TABLE stage_stall_limits (
    tenant_id    uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    stage_id     uuid NOT NULL,
    percentile   smallint NOT NULL,
    limit_days   double precision,
    samples      integer NOT NULL,
    computed_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, stage_id),
    FOREIGN KEY (tenant_id, stage_id) REFERENCES pipeline_stages (tenant_id, id) ON DELETE CASCADE
);
ALTER TABLE stage_stall_limits ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON stage_stall_limits USING (tenant_id = app_current_tenant())
    WITH CHECK (tenant_id = app_current_tenant());
GRANT SELECT, INSERT, UPDATE, DELETE ON stage_stall_limits TO sales_hunter_tenant;
