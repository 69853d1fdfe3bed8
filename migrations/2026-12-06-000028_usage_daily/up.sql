-- Usage per tenant, meter and day (UTC): the admin console's trends and usage pages read
-- these rows, not the events (tens of millions a month). Kept by `UsageEvent::record` in
-- the event's transaction, so the day rows always sum to the events.
CREATE TABLE usage_daily (
    tenant_id  uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    meter      text NOT NULL CHECK (meter IN ('agent_runs', 'llm_tokens', 'records_synced', 'api_calls')),
    day        date NOT NULL,
    quantity   bigint NOT NULL DEFAULT 0 CHECK (quantity >= 0),
    PRIMARY KEY (tenant_id, meter, day)
);
CREATE INDEX usage_daily_by_day ON usage_daily (day, meter);
ALTER TABLE usage_daily ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON usage_daily USING (tenant_id = app_current_tenant())
    WITH CHECK (tenant_id = app_current_tenant());
GRANT SELECT, INSERT ON usage_daily TO sales_hunter_tenant;
GRANT UPDATE (quantity) ON usage_daily TO sales_hunter_tenant;

INSERT INTO usage_daily (tenant_id, meter, day, quantity)
SELECT tenant_id, meter, (occurred_at AT TIME ZONE 'UTC')::date, sum(quantity)
FROM usage_events GROUP BY 1, 2, 3;
