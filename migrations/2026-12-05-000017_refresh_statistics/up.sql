-- ANALYZE after a bulk load, for the roles that serve. Only a table's owner may ANALYZE it
-- (PostgreSQL 15 has no MAINTAIN privilege), and for anyone else ANALYZE skips the table
-- with a warning rather than an error: the volume seed's refresh, run as the platform role,
-- did nothing, so where autovacuum is off its foreign-key checks were planned on empty
-- tables and scanned every deal (1M leads + 200k deals took 17 min; 5 with statistics).
CREATE FUNCTION refresh_sales_statistics() RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
BEGIN
    ANALYZE public.leads, public.accounts, public.contacts, public.opportunities,
            public.opportunity_history, public.activities;
END
$$;
REVOKE ALL ON FUNCTION refresh_sales_statistics() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION refresh_sales_statistics() TO sales_hunter_platform;
