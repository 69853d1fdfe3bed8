-- ANALYZE after a bulk load, for the roles that serve. Only a table's owner may ANALYZE it
-- (PostgreSQL 15 has no MAINTAIN privilege), and for anyone else ANALYZE skips the table
-- with a warning rather than an error: the volume seed's refresh, run as the platform role,
-- did nothing, so where autovacuum is off its foreign-key checks were planned on empty
-- tables and scanned every deal (at 1M leads: 771 s for the first 100k deals, and 17 s
-- for the next 100k after an ANALYZE by hand).
CREATE FUNCTION refresh_sales_statistics() RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
BEGIN
    ANALYZE public.leads, public.accounts, public.contacts, public.opportunities,
            public.opportunity_history, public.activities;
END
$$;
REVOKE ALL ON FUNCTION refresh_sales_statistics() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION refresh_sales_statistics() TO sales_hunter_platform;
