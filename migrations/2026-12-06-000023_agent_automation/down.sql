DROP TABLE agent_automations;
DROP INDEX agent_bulk_runs_period;
DELETE FROM agent_bulk_runs WHERE mode = 'runs' OR state IN ('stopped', 'canceled');
ALTER TABLE agent_bulk_runs DROP CONSTRAINT agent_bulk_runs_state_check;
ALTER TABLE agent_bulk_runs ADD CONSTRAINT agent_bulk_runs_state_check
    CHECK (state IN ('running', 'finished', 'failed', 'superseded'));
ALTER TABLE agent_bulk_runs
    DROP COLUMN mode, DROP COLUMN trigger, DROP COLUMN scope, DROP COLUMN failed,
    DROP COLUMN error, DROP COLUMN created_by, DROP COLUMN period;
