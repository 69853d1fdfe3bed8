-- A searched leads view with a filter ("globex" among working leads) made PostgreSQL AND
-- the words' trigram bitmap with the filter's bitmap from its B-tree: at 1M leads the
-- status index alone gave 200k entries to build and intersect, about 50 ms. One GIN index
-- over the words and the equality filters of a view (btree_gin) lets the index intersect
-- them itself, skipping through the filter's posting tree: the same probe then reads only
-- the matches of both (measured in docs/ARCHITECTURE.md). It still serves a search alone,
-- so it replaces the words-only index.
CREATE EXTENSION IF NOT EXISTS btree_gin;
CREATE INDEX leads_search_filters_idx ON leads
    USING gin (search_text gin_trgm_ops, status, owner_id, source);
DROP INDEX leads_search_idx;
