-- The open pipeline by stage and owner without reading every open deal. The dashboard summed
-- the open deals on each visit (about 140k rows at a million leads). Now triggers on
-- opportunities append what each statement changed (deals and amount per tenant, stage and
-- owner, net of the statement) and the dashboard sums those few rows. Append-only, so
-- concurrent writers never wait on a shared total; `compact_open_pipeline()` folds a
-- tenant's rows into one per stage and owner when they grow many.
CREATE TABLE open_pipeline_changes (
    tenant_id     uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    id            bigint GENERATED ALWAYS AS IDENTITY,
    stage_id      uuid NOT NULL,
    owner_id      uuid,
    deals         bigint NOT NULL,
    amount_minor  bigint NOT NULL,
    PRIMARY KEY (tenant_id, id)
);
ALTER TABLE open_pipeline_changes ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON open_pipeline_changes USING (tenant_id = app_current_tenant());
-- Written only by the functions below, which run as the table's owner.
GRANT SELECT ON open_pipeline_changes TO sales_hunter_tenant;

INSERT INTO open_pipeline_changes (tenant_id, stage_id, owner_id, deals, amount_minor)
SELECT tenant_id, stage_id, owner_id, count(*), sum(amount_minor)
FROM opportunities WHERE closed_at IS NULL GROUP BY tenant_id, stage_id, owner_id;

-- Open means `closed_at IS NULL`, as everywhere. Changes to a tenant being deleted are not
-- recorded (its deals go by cascade, and so do these rows; a row added then would break
-- the foreign key).
CREATE FUNCTION open_pipeline_record() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO public.open_pipeline_changes (tenant_id, stage_id, owner_id, deals, amount_minor)
        SELECT tenant_id, stage_id, owner_id, count(*), sum(amount_minor)
        FROM new_rows WHERE closed_at IS NULL GROUP BY tenant_id, stage_id, owner_id;
    ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO public.open_pipeline_changes (tenant_id, stage_id, owner_id, deals, amount_minor)
        SELECT o.tenant_id, o.stage_id, o.owner_id, -count(*), -sum(o.amount_minor)
        FROM old_rows o
        WHERE o.closed_at IS NULL AND EXISTS (SELECT 1 FROM public.tenants t WHERE t.id = o.tenant_id)
        GROUP BY o.tenant_id, o.stage_id, o.owner_id;
    ELSE
        INSERT INTO public.open_pipeline_changes (tenant_id, stage_id, owner_id, deals, amount_minor)
        SELECT tenant_id, stage_id, owner_id, sum(deals), sum(amount)
        FROM (SELECT tenant_id, stage_id, owner_id, 1 AS deals, amount_minor AS amount
              FROM new_rows WHERE closed_at IS NULL
              UNION ALL
              SELECT tenant_id, stage_id, owner_id, -1, -amount_minor
              FROM old_rows WHERE closed_at IS NULL) d
        WHERE EXISTS (SELECT 1 FROM public.tenants t WHERE t.id = d.tenant_id)
        GROUP BY tenant_id, stage_id, owner_id
        HAVING sum(deals) <> 0 OR sum(amount) <> 0;
    END IF;
    RETURN NULL;
END
$$;
REVOKE ALL ON FUNCTION open_pipeline_record() FROM PUBLIC;

CREATE TRIGGER open_pipeline_insert AFTER INSERT ON opportunities
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION open_pipeline_record();
CREATE TRIGGER open_pipeline_update AFTER UPDATE ON opportunities
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION open_pipeline_record();
CREATE TRIGGER open_pipeline_delete AFTER DELETE ON opportunities
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION open_pipeline_record();

-- Folds the transaction's tenant's rows into one per stage and owner. Safe beside writers
-- and other compactions: it deletes only the rows its statement sees and adds back their sum.
CREATE FUNCTION compact_open_pipeline() RETURNS void
    LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
    WITH gone AS (
        DELETE FROM public.open_pipeline_changes WHERE tenant_id = public.app_current_tenant()
        RETURNING stage_id, owner_id, deals, amount_minor)
    INSERT INTO public.open_pipeline_changes (tenant_id, stage_id, owner_id, deals, amount_minor)
    SELECT public.app_current_tenant(), stage_id, owner_id, sum(deals), sum(amount_minor)
    FROM gone GROUP BY stage_id, owner_id
    HAVING sum(deals) <> 0 OR sum(amount_minor) <> 0
$$;
REVOKE ALL ON FUNCTION compact_open_pipeline() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION compact_open_pipeline() TO sales_hunter_tenant;
