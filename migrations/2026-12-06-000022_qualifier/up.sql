-- The Qualifier (issue 22): what a model extracted about a lead's or deal's BANT and
-- MEDDPICC criteria, and reps' overrides. The rules' reading is computed on every view
-- (always as fresh as the notes), so only what a model said and what a rep ruled is stored.
-- Both are append-only: the newest row applies and the earlier ones stay as history.

CREATE TABLE qualification_extractions (
    tenant_id       uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    id              uuid NOT NULL,
    lead_id         uuid,
    opportunity_id  uuid,
    run_id          uuid NOT NULL,
    -- [{criterion, state, confidence, activity_id, quote, at}]
    criteria        jsonb NOT NULL,
    questions       jsonb NOT NULL DEFAULT '[]',
    created_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    CHECK (num_nonnulls(lead_id, opportunity_id) = 1),
    FOREIGN KEY (tenant_id, lead_id) REFERENCES leads (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, opportunity_id) REFERENCES opportunities (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, run_id) REFERENCES agent_runs (tenant_id, id)
);
CREATE INDEX qualification_extractions_lead ON qualification_extractions (tenant_id, lead_id, created_at DESC)
    WHERE lead_id IS NOT NULL;
CREATE INDEX qualification_extractions_opportunity ON qualification_extractions (tenant_id, opportunity_id, created_at DESC)
    WHERE opportunity_id IS NOT NULL;

CREATE TABLE qualification_overrides (
    tenant_id       uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    id              uuid NOT NULL,
    lead_id         uuid,
    opportunity_id  uuid,
    criterion       text NOT NULL CHECK (criterion IN ('budget', 'authority', 'need', 'timeline',
                        'metrics', 'economic_buyer', 'decision_criteria', 'decision_process',
                        'paper_process', 'identify_pain', 'champion', 'competition')),
    -- 'cleared' hands the criterion back to the rules and the model.
    state           text NOT NULL CHECK (state IN ('unknown', 'partial', 'confirmed', 'negative', 'cleared')),
    note            text NOT NULL DEFAULT '' CHECK (length(note) <= 500),
    created_by      uuid REFERENCES users (id) ON DELETE SET NULL,
    created_at      timestamptz NOT NULL DEFAULT clock_timestamp(),
    PRIMARY KEY (tenant_id, id),
    CHECK (num_nonnulls(lead_id, opportunity_id) = 1),
    FOREIGN KEY (tenant_id, lead_id) REFERENCES leads (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, opportunity_id) REFERENCES opportunities (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX qualification_overrides_lead ON qualification_overrides (tenant_id, lead_id, created_at DESC)
    WHERE lead_id IS NOT NULL;
CREATE INDEX qualification_overrides_opportunity ON qualification_overrides (tenant_id, opportunity_id, created_at DESC)
    WHERE opportunity_id IS NOT NULL;

DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['qualification_extractions', 'qualification_overrides']
    LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('CREATE POLICY tenant_isolation ON %I USING (tenant_id = app_current_tenant()) '
                       'WITH CHECK (tenant_id = app_current_tenant())', t);
        EXECUTE format('GRANT SELECT, INSERT ON %I TO sales_hunter_tenant', t);
    END LOOP;
END
$$;
