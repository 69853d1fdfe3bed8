DROP TABLE pipeline_snapshots;
DROP INDEX opportunities_board_idx;
CREATE INDEX opportunities_board_idx ON opportunities (tenant_id, stage_id, close_date, id) WHERE closed_at IS NULL;
DROP INDEX opportunities_closed_idx;
CREATE INDEX opportunities_closed_idx ON opportunities (tenant_id, closed_at) WHERE closed_at IS NOT NULL;
DROP INDEX leads_created_idx;
CREATE INDEX leads_created_idx ON leads (tenant_id, created_at, id);
