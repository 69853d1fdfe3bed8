-- The people side of the dashboard without reading every lead of a period. Its figures (leads
-- created, converted, worked, qualified, the median response time, activities logged) were
-- counted from about 123k leads per quarter at a million leads, twice per visit. Now triggers
-- on leads and activities append what each statement changed, per tenant, UTC day, person
-- (a lead's owner, an activity's author) and response bucket, and the dashboard sums a few
-- rows per day; only the period's two partial days are read from the records themselves.
-- Append-only, as `open_pipeline_changes` (000011), so concurrent writers never wait on a
-- shared total; `compact_people_tally()` folds the days that gained new rows.

-- A lead's response time (created → first activity), in buckets 5% wide: 0 is under a
-- minute (and an activity dated before the lead), then bucket b holds 60·1.05^(b-1) s up to
-- 60·1.05^b s. The buckets order the responses, so the dashboard finds which bucket holds
-- the median from the tally and reads only that bucket's leads for the exact value.
ALTER TABLE leads ADD COLUMN response_bucket smallint GENERATED ALWAYS AS (
    CASE WHEN first_activity_at IS NULL THEN NULL
         WHEN first_activity_at - created_at < interval '1 minute' THEN 0
         ELSE 1 + floor(ln(extract(epoch FROM first_activity_at - created_at) / 60) / ln(1.05))
    END) STORED;
CREATE INDEX leads_response_idx ON leads (tenant_id, response_bucket, created_at)
    INCLUDE (first_activity_at, owner_id) WHERE response_bucket IS NOT NULL;

CREATE TABLE people_tally_changes (
    tenant_id        uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    id               bigint GENERATED ALWAYS AS IDENTITY,
    -- The UTC day a lead was created or an activity happened.
    day              date NOT NULL,
    -- The lead's owner or the activity's author.
    user_id          uuid,
    -- The leads' response bucket (NULL: no activity yet, and on activity rows).
    response_bucket  smallint,
    leads            bigint NOT NULL,
    converted        bigint NOT NULL,
    worked           bigint NOT NULL,
    qualified        bigint NOT NULL,
    activities       bigint NOT NULL,
    -- Written by a compaction (true) or appended by a trigger (false).
    folded           boolean NOT NULL DEFAULT false,
    PRIMARY KEY (tenant_id, id)
);
CREATE INDEX people_tally_day_idx ON people_tally_changes (tenant_id, day);
CREATE INDEX people_tally_fresh_idx ON people_tally_changes (tenant_id, day) WHERE NOT folded;
ALTER TABLE people_tally_changes ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON people_tally_changes USING (tenant_id = app_current_tenant());
-- Written only by the functions below, which run as the table's owner.
GRANT SELECT ON people_tally_changes TO sales_hunter_tenant;

INSERT INTO people_tally_changes
    (tenant_id, day, user_id, response_bucket, leads, converted, worked, qualified, activities, folded)
SELECT tenant_id, (created_at AT TIME ZONE 'UTC')::date, owner_id, response_bucket, count(*),
       count(*) FILTER (WHERE converted_opportunity_id IS NOT NULL),
       count(*) FILTER (WHERE status IN ('working', 'nurture', 'qualified', 'converted')),
       count(*) FILTER (WHERE status IN ('qualified', 'converted')), 0, true
FROM leads GROUP BY 1, 2, 3, 4;
INSERT INTO people_tally_changes
    (tenant_id, day, user_id, response_bucket, leads, converted, worked, qualified, activities, folded)
SELECT tenant_id, (occurred_at AT TIME ZONE 'UTC')::date, user_id, NULL, 0, 0, 0, 0, count(*), true
FROM activities GROUP BY 1, 2, 3;

-- What a statement did to leads: each old row counts -1 and each new row +1 towards its
-- day, owner and bucket; an update that moved nothing the tally counts adds no row. Changes
-- to a tenant being deleted are not recorded (its rows go by cascade, and so do these; a row
-- added then would break the foreign key).
CREATE FUNCTION people_tally_record_leads() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO public.people_tally_changes
            (tenant_id, day, user_id, response_bucket, leads, converted, worked, qualified, activities)
        SELECT tenant_id, (created_at AT TIME ZONE 'UTC')::date, owner_id, response_bucket, count(*),
               count(*) FILTER (WHERE converted_opportunity_id IS NOT NULL),
               count(*) FILTER (WHERE status IN ('working', 'nurture', 'qualified', 'converted')),
               count(*) FILTER (WHERE status IN ('qualified', 'converted')), 0
        FROM new_rows GROUP BY 1, 2, 3, 4;
    ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO public.people_tally_changes
            (tenant_id, day, user_id, response_bucket, leads, converted, worked, qualified, activities)
        SELECT o.tenant_id, (o.created_at AT TIME ZONE 'UTC')::date, o.owner_id, o.response_bucket, -count(*),
               -count(*) FILTER (WHERE o.converted_opportunity_id IS NOT NULL),
               -count(*) FILTER (WHERE o.status IN ('working', 'nurture', 'qualified', 'converted')),
               -count(*) FILTER (WHERE o.status IN ('qualified', 'converted')), 0
        FROM old_rows o
        WHERE EXISTS (SELECT 1 FROM public.tenants t WHERE t.id = o.tenant_id)
        GROUP BY 1, 2, 3, 4;
    ELSE
        INSERT INTO public.people_tally_changes
            (tenant_id, day, user_id, response_bucket, leads, converted, worked, qualified, activities)
        SELECT tenant_id, day, owner_id, response_bucket, sum(n), sum(converted), sum(worked), sum(qualified), 0
        FROM (SELECT tenant_id, (created_at AT TIME ZONE 'UTC')::date AS day, owner_id, response_bucket, 1 AS n,
                     (converted_opportunity_id IS NOT NULL)::int AS converted,
                     (status IN ('working', 'nurture', 'qualified', 'converted'))::int AS worked,
                     (status IN ('qualified', 'converted'))::int AS qualified
              FROM new_rows
              UNION ALL
              SELECT tenant_id, (created_at AT TIME ZONE 'UTC')::date, owner_id, response_bucket, -1,
                     -(converted_opportunity_id IS NOT NULL)::int,
                     -(status IN ('working', 'nurture', 'qualified', 'converted'))::int,
                     -(status IN ('qualified', 'converted'))::int
              FROM old_rows) d
        WHERE EXISTS (SELECT 1 FROM public.tenants t WHERE t.id = d.tenant_id)
        GROUP BY tenant_id, day, owner_id, response_bucket
        HAVING sum(n) <> 0 OR sum(converted) <> 0 OR sum(worked) <> 0 OR sum(qualified) <> 0;
    END IF;
    RETURN NULL;
END
$$;
REVOKE ALL ON FUNCTION people_tally_record_leads() FROM PUBLIC;

-- The same for activities: how many each person logged on each day.
CREATE FUNCTION people_tally_record_activities() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO public.people_tally_changes
            (tenant_id, day, user_id, response_bucket, leads, converted, worked, qualified, activities)
        SELECT tenant_id, (occurred_at AT TIME ZONE 'UTC')::date, user_id, NULL, 0, 0, 0, 0, count(*)
        FROM new_rows GROUP BY 1, 2, 3;
    ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO public.people_tally_changes
            (tenant_id, day, user_id, response_bucket, leads, converted, worked, qualified, activities)
        SELECT o.tenant_id, (o.occurred_at AT TIME ZONE 'UTC')::date, o.user_id, NULL, 0, 0, 0, 0, -count(*)
        FROM old_rows o
        WHERE EXISTS (SELECT 1 FROM public.tenants t WHERE t.id = o.tenant_id)
        GROUP BY 1, 2, 3;
    ELSE
        INSERT INTO public.people_tally_changes
            (tenant_id, day, user_id, response_bucket, leads, converted, worked, qualified, activities)
        SELECT tenant_id, day, user_id, NULL, 0, 0, 0, 0, sum(n)
        FROM (SELECT tenant_id, (occurred_at AT TIME ZONE 'UTC')::date AS day, user_id, 1 AS n FROM new_rows
              UNION ALL
              SELECT tenant_id, (occurred_at AT TIME ZONE 'UTC')::date, user_id, -1 FROM old_rows) d
        WHERE EXISTS (SELECT 1 FROM public.tenants t WHERE t.id = d.tenant_id)
        GROUP BY tenant_id, day, user_id
        HAVING sum(n) <> 0;
    END IF;
    RETURN NULL;
END
$$;
REVOKE ALL ON FUNCTION people_tally_record_activities() FROM PUBLIC;

CREATE TRIGGER people_tally_insert AFTER INSERT ON leads
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION people_tally_record_leads();
CREATE TRIGGER people_tally_update AFTER UPDATE ON leads
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION people_tally_record_leads();
CREATE TRIGGER people_tally_delete AFTER DELETE ON leads
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION people_tally_record_leads();
CREATE TRIGGER people_tally_insert AFTER INSERT ON activities
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION people_tally_record_activities();
CREATE TRIGGER people_tally_update AFTER UPDATE ON activities
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION people_tally_record_activities();
CREATE TRIGGER people_tally_delete AFTER DELETE ON activities
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION people_tally_record_activities();

-- Folds the transaction's tenant's rows of every day that gained appended rows into one row
-- per day, person and bucket. Safe beside writers and other compactions: it deletes only the
-- rows its statement sees and adds back their sum.
CREATE FUNCTION compact_people_tally() RETURNS void
    LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
    WITH gone AS (
        DELETE FROM public.people_tally_changes
        WHERE tenant_id = public.app_current_tenant()
          AND day IN (SELECT day FROM public.people_tally_changes
                      WHERE tenant_id = public.app_current_tenant() AND NOT folded)
        RETURNING day, user_id, response_bucket, leads, converted, worked, qualified, activities)
    INSERT INTO public.people_tally_changes
        (tenant_id, day, user_id, response_bucket, leads, converted, worked, qualified, activities, folded)
    SELECT public.app_current_tenant(), day, user_id, response_bucket, sum(leads), sum(converted),
           sum(worked), sum(qualified), sum(activities), true
    FROM gone GROUP BY day, user_id, response_bucket
    HAVING sum(leads) <> 0 OR sum(converted) <> 0 OR sum(worked) <> 0 OR sum(qualified) <> 0
        OR sum(activities) <> 0
$$;
REVOKE ALL ON FUNCTION compact_people_tally() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION compact_people_tally() TO sales_hunter_tenant;
