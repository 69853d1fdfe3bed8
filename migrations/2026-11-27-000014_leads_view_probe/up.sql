-- The leads of a view under row-level security. The tenant role's `search_text LIKE '%x%'`
-- and `custom @> '{...}'` cannot use their indexes (neither operator is leakproof, see
-- 000008), so a view searching a common word with a filter walked the tenant's leads until
-- it had counted 1,001 matches: 150k rows for "globex" among working leads at 1M leads.
-- This function returns up to `max_rows` ids of the leads matching all of a view's
-- conditions, as the tables' owner, so the trigram and JSON indexes serve; like
-- `leads_matching` it keeps to the transaction's tenant itself. Only the conditions given
-- are added, each a fixed fragment whose value is bound, so each call is planned for its
-- own values. The conditions mirror `LeadFilter::apply` (sales-hunter's leads/list.rs).
CREATE FUNCTION leads_matching_view(
    patterns text[],
    status_is text,
    owner_is uuid,
    unassigned boolean,
    source_is text,
    score_min smallint,
    score_max smallint,
    created_from timestamptz,
    created_before timestamptz,
    custom_has jsonb,
    max_rows integer
) RETURNS SETOF uuid
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, public
AS $$
DECLARE
    q text := 'SELECT id FROM public.leads WHERE tenant_id = public.app_current_tenant()';
BEGIN
    FOR i IN 1 .. coalesce(array_length(patterns, 1), 0) LOOP
        q := q || format(' AND search_text LIKE $1[%s]', i);
    END LOOP;
    IF status_is IS NOT NULL THEN q := q || ' AND status = $2'; END IF;
    IF owner_is IS NOT NULL THEN q := q || ' AND owner_id = $3'; END IF;
    IF unassigned THEN q := q || ' AND owner_id IS NULL'; END IF;
    IF source_is IS NOT NULL THEN q := q || ' AND source = $5'; END IF;
    IF score_min IS NOT NULL THEN q := q || ' AND score >= $6'; END IF;
    IF score_max IS NOT NULL THEN q := q || ' AND score <= $7'; END IF;
    IF created_from IS NOT NULL THEN q := q || ' AND created_at >= $8'; END IF;
    IF created_before IS NOT NULL THEN q := q || ' AND created_at < $9'; END IF;
    IF custom_has IS NOT NULL THEN q := q || ' AND custom @> $10'; END IF;
    RETURN QUERY EXECUTE q || ' LIMIT $11'
        USING patterns, status_is, owner_is, unassigned, source_is, score_min, score_max,
              created_from, created_before, custom_has, max_rows;
END
$$;
REVOKE ALL ON FUNCTION leads_matching_view(text[], text, uuid, boolean, text, smallint, smallint,
    timestamptz, timestamptz, jsonb, integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION leads_matching_view(text[], text, uuid, boolean, text, smallint,
    smallint, timestamptz, timestamptz, jsonb, integer) TO sales_hunter_tenant;
