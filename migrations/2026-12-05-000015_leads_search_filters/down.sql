CREATE INDEX leads_search_idx ON leads USING gin (search_text gin_trgm_ops);
DROP INDEX leads_search_filters_idx;
DROP EXTENSION IF EXISTS btree_gin;
