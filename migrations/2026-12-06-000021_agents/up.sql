-- Agents I (issue 22): versioned per-tenant agent configurations, provider keys sealed at
-- rest, the run ledger, the monthly budget, and usage events for billing.

-- Usage events: what billing meters. The same event sent twice (same key) counts once.
CREATE TABLE usage_events (
    tenant_id        uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    id               uuid NOT NULL DEFAULT gen_random_uuid(),
    idempotency_key  text NOT NULL CHECK (length(idempotency_key) BETWEEN 1 AND 200),
    meter            text NOT NULL CHECK (meter IN ('agent_runs', 'llm_tokens', 'records_synced', 'api_calls')),
    quantity         bigint NOT NULL CHECK (quantity >= 0),
    occurred_at      timestamptz NOT NULL DEFAULT now(),
    source           text NOT NULL DEFAULT '',
    PRIMARY KEY (tenant_id, id),
    CONSTRAINT usage_events_key UNIQUE (tenant_id, idempotency_key)
);
CREATE INDEX usage_events_by_meter ON usage_events (tenant_id, meter, occurred_at);

-- Every saved configuration of an agent is a new version; the newest is the one in use.
-- A rollback saves an old version's configuration as the newest.
CREATE TABLE agent_configs (
    tenant_id   uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    agent       text NOT NULL CHECK (agent IN ('prospector', 'qualifier', 'pipeline_analyst')),
    version     integer NOT NULL CHECK (version > 0),
    config      jsonb NOT NULL,
    note        text NOT NULL DEFAULT '' CHECK (length(note) <= 200),
    created_by  uuid REFERENCES users (id) ON DELETE SET NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, agent, version)
);

-- Provider keys, one per endpoint (kind and base URL), sealed with platform::secrets; the
-- browser only ever sees the last four characters.
CREATE TABLE agent_provider_keys (
    tenant_id   uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    provider    text NOT NULL,
    base_url    text NOT NULL,
    sealed_key  bytea NOT NULL,
    key_hint    text NOT NULL DEFAULT '',
    updated_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, provider, base_url)
);

-- The monthly budget (micro-dollars; none = no limit) and what each month has reserved.
-- A run reserves its worst-case cost with one conditional UPDATE before it calls the model
-- and settles to the real cost after: concurrent runs never overshoot.
CREATE TABLE agent_budgets (
    tenant_id             uuid PRIMARY KEY REFERENCES tenants (id) ON DELETE CASCADE,
    monthly_limit_micros  bigint CHECK (monthly_limit_micros >= 0),
    updated_at            timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE agent_spend (
    tenant_id     uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    month         date NOT NULL,
    spent_micros  bigint NOT NULL DEFAULT 0 CHECK (spent_micros >= 0),
    PRIMARY KEY (tenant_id, month)
);

-- The run ledger: every run, whatever its outcome.
CREATE TABLE agent_runs (
    tenant_id       uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    id              uuid NOT NULL,
    agent           text NOT NULL,
    config_version  integer NOT NULL,
    trigger         text NOT NULL CHECK (trigger IN ('manual', 'workflow', 'schedule', 'bulk')),
    subject_kind    text NOT NULL CHECK (subject_kind IN ('lead', 'opportunity', 'tenant')),
    subject_id      uuid,
    subject_name    text NOT NULL DEFAULT '',
    inputs          jsonb NOT NULL,
    prompt          text NOT NULL DEFAULT '',
    raw_answer      text NOT NULL DEFAULT '',
    output          jsonb,
    provider        text NOT NULL,
    model           text NOT NULL DEFAULT '',
    tokens_in       integer NOT NULL DEFAULT 0,
    tokens_out      integer NOT NULL DEFAULT 0,
    cost_micros     bigint NOT NULL DEFAULT 0,
    latency_ms      integer NOT NULL DEFAULT 0,
    status          text NOT NULL CHECK (status IN ('succeeded', 'failed', 'refused')),
    error           text NOT NULL DEFAULT '',
    replay_of       uuid,
    created_by      uuid REFERENCES users (id) ON DELETE SET NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, agent, config_version) REFERENCES agent_configs (tenant_id, agent, version),
    FOREIGN KEY (tenant_id, replay_of) REFERENCES agent_runs (tenant_id, id) ON DELETE SET NULL (replay_of)
);
CREATE INDEX agent_runs_recent ON agent_runs (tenant_id, created_at DESC, id DESC);
CREATE INDEX agent_runs_by_agent ON agent_runs (tenant_id, agent, created_at DESC, id DESC);
CREATE INDEX agent_runs_by_subject ON agent_runs (tenant_id, subject_id, created_at DESC)
    WHERE subject_id IS NOT NULL;

DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['usage_events', 'agent_configs', 'agent_provider_keys',
        'agent_budgets', 'agent_spend', 'agent_runs']
    LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('CREATE POLICY tenant_isolation ON %I USING (tenant_id = app_current_tenant()) '
                       'WITH CHECK (tenant_id = app_current_tenant())', t);
        EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %I TO sales_hunter_tenant', t);
    END LOOP;
END
$$;
-- The ledger, the versions and the usage are append-only for the app.
REVOKE UPDATE, DELETE ON usage_events, agent_configs, agent_runs FROM sales_hunter_tenant;

-- Bulk runs (rescore every lead after the profile changed): a job walks the subjects in
-- batches; each batch's transaction moves the cursor and the count, so a killed worker
-- resumes where the last batch ended. A newer bulk run of the same agent supersedes it.
CREATE TABLE agent_bulk_runs (
    tenant_id       uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    id              uuid NOT NULL,
    agent           text NOT NULL,
    config_version  integer NOT NULL,
    total           bigint NOT NULL DEFAULT 0,
    done            bigint NOT NULL DEFAULT 0,
    cursor          uuid,
    state           text NOT NULL DEFAULT 'running'
                    CHECK (state IN ('running', 'finished', 'failed', 'superseded')),
    started_at      timestamptz NOT NULL DEFAULT now(),
    finished_at     timestamptz,
    PRIMARY KEY (tenant_id, id)
);
CREATE INDEX agent_bulk_runs_recent ON agent_bulk_runs (tenant_id, agent, started_at DESC);
ALTER TABLE agent_bulk_runs ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON agent_bulk_runs USING (tenant_id = app_current_tenant())
    WITH CHECK (tenant_id = app_current_tenant());
GRANT SELECT, INSERT, UPDATE, DELETE ON agent_bulk_runs TO sales_hunter_tenant;
