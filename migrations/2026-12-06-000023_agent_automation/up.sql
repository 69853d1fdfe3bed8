-- Agent runs beyond the manual one (issue 22): a bulk run of any agent over many records
-- through the job queue (the Prospector's bulk rescores were the first rows of this table),
-- and each agent's automation: a schedule that starts such a bulk run, and the record
-- events that start a run on that record.

ALTER TABLE agent_bulk_runs
    -- 'rescore': the Prospector's rules over every lead, no ledger rows; 'runs': one
    -- ledger run per record, model and all.
    ADD COLUMN mode        text NOT NULL DEFAULT 'rescore' CHECK (mode IN ('rescore', 'runs')),
    ADD COLUMN trigger     text NOT NULL DEFAULT 'bulk' CHECK (trigger IN ('bulk', 'schedule')),
    -- Which records: the agent's own names ('open_deals', 'grade_a', …).
    ADD COLUMN scope       text NOT NULL DEFAULT '',
    ADD COLUMN failed      bigint NOT NULL DEFAULT 0,
    -- Why it stopped early (the budget, a member gone).
    ADD COLUMN error       text NOT NULL DEFAULT '',
    -- The member it runs as.
    ADD COLUMN created_by  uuid REFERENCES users (id) ON DELETE SET NULL,
    -- A scheduled run's period ('2026-12-07', 'week of 2026-12-07'): one run per period.
    ADD COLUMN period      text;
ALTER TABLE agent_bulk_runs DROP CONSTRAINT agent_bulk_runs_state_check;
ALTER TABLE agent_bulk_runs ADD CONSTRAINT agent_bulk_runs_state_check
    CHECK (state IN ('running', 'finished', 'failed', 'superseded', 'stopped', 'canceled'));
CREATE UNIQUE INDEX agent_bulk_runs_period ON agent_bulk_runs (tenant_id, agent, period)
    WHERE period IS NOT NULL;

CREATE TABLE agent_automations (
    tenant_id   uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    agent       text NOT NULL,
    schedule    text NOT NULL DEFAULT 'off' CHECK (schedule IN ('off', 'daily', 'weekly')),
    scope       text NOT NULL DEFAULT '',
    -- Record events that start a run on the record: 'lead_created', 'activity_logged'.
    run_on      text[] NOT NULL DEFAULT '{}',
    -- Scheduled and workflow runs act as the member who last saved this.
    updated_by  uuid REFERENCES users (id) ON DELETE SET NULL,
    updated_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, agent)
);
ALTER TABLE agent_automations ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON agent_automations USING (tenant_id = app_current_tenant())
    WITH CHECK (tenant_id = app_current_tenant());
GRANT SELECT, INSERT, UPDATE, DELETE ON agent_automations TO sales_hunter_tenant;
