-- Billing (issue 23), first part: plans as data, a subscription per tenant, and usage
-- counted per billing period against the plan's limits.

-- Plans are the installation's, not a tenant's: every tenant may read them, only the
-- platform role (the admin console) writes them. Prices are in minor units of `currency`.
CREATE TABLE plans (
    id                   text PRIMARY KEY CHECK (id ~ '^[a-z][a-z0-9_-]{1,31}$'),
    name                 text NOT NULL CHECK (length(name) BETWEEN 1 AND 60),
    currency             text NOT NULL DEFAULT 'USD' CHECK (currency ~ '^[A-Z]{3}$'),
    monthly_price_minor  bigint NOT NULL CHECK (monthly_price_minor >= 0),
    included_seats       integer NOT NULL CHECK (included_seats >= 1),
    -- NULL: no seats beyond the included ones.
    seat_price_minor     bigint CHECK (seat_price_minor >= 0),
    -- NULL: any number of connections.
    connector_limit      integer CHECK (connector_limit >= 0),
    features             text[] NOT NULL DEFAULT '{}',
    trial_days           integer NOT NULL DEFAULT 0 CHECK (trial_days BETWEEN 0 AND 90),
    position             integer NOT NULL DEFAULT 0,
    -- Offered to tenants on their billing page (a retired plan keeps its subscribers).
    offered              boolean NOT NULL DEFAULT true,
    updated_at           timestamptz NOT NULL DEFAULT now()
);

-- What a plan includes of each meter. `included` NULL: unlimited. `overage_micros` (the
-- price of one unit beyond the included quantity, in millionths of the currency's major
-- unit) NULL: no overage, the included quantity is a hard cap.
CREATE TABLE plan_meters (
    plan_id         text NOT NULL REFERENCES plans (id) ON DELETE CASCADE,
    meter           text NOT NULL CHECK (meter IN ('agent_runs', 'llm_tokens', 'records_synced', 'api_calls')),
    included        bigint CHECK (included >= 0),
    overage_micros  bigint CHECK (overage_micros >= 0),
    PRIMARY KEY (plan_id, meter)
);
GRANT SELECT ON plans, plan_meters TO sales_hunter_tenant;

INSERT INTO plans (id, name, monthly_price_minor, included_seats, seat_price_minor,
                   connector_limit, features, trial_days, position)
VALUES ('free', 'Free', 0, 2, NULL, 1, '{}', 0, 0),
       ('starter', 'Starter', 4900, 3, 1900, 1, '{agents}', 14, 1),
       ('growth', 'Growth', 19900, 10, 2900, 3, '{agents,automation}', 14, 2),
       ('enterprise', 'Enterprise', 99900, 25, 3900, NULL, '{agents,automation,sso}', 0, 3);
INSERT INTO plan_meters (plan_id, meter, included, overage_micros)
VALUES ('free', 'agent_runs', 100, NULL),
       ('free', 'llm_tokens', 200000, NULL),
       ('free', 'records_synced', 5000, NULL),
       ('free', 'api_calls', 10000, NULL),
       ('starter', 'agent_runs', 1000, 50000),
       ('starter', 'llm_tokens', 2000000, 2),
       ('starter', 'records_synced', 50000, 500),
       ('starter', 'api_calls', 100000, 100),
       ('growth', 'agent_runs', 10000, 40000),
       ('growth', 'llm_tokens', 20000000, 2),
       ('growth', 'records_synced', 500000, 400),
       ('growth', 'api_calls', 1000000, 80),
       ('enterprise', 'agent_runs', NULL, NULL),
       ('enterprise', 'llm_tokens', NULL, NULL),
       ('enterprise', 'records_synced', NULL, NULL),
       ('enterprise', 'api_calls', NULL, NULL);

-- One subscription per tenant. Its period is the billing month (from the day it started);
-- usage counts against the period it happened in.
CREATE TABLE subscriptions (
    tenant_id             uuid PRIMARY KEY REFERENCES tenants (id) ON DELETE CASCADE,
    plan_id               text NOT NULL REFERENCES plans (id),
    status                text NOT NULL CHECK (status IN ('trialing', 'active', 'past_due', 'canceled')),
    period_start          timestamptz NOT NULL,
    period_end            timestamptz NOT NULL,
    trial_ends_at         timestamptz,
    cancel_at_period_end  boolean NOT NULL DEFAULT false,
    -- A downgrade waits for the period's end (the period was paid at the higher price).
    next_plan_id          text REFERENCES plans (id),
    canceled_at           timestamptz,
    seats                 integer NOT NULL DEFAULT 0 CHECK (seats >= 0),
    created_at            timestamptz NOT NULL DEFAULT now(),
    updated_at            timestamptz NOT NULL DEFAULT now(),
    CHECK (period_end > period_start)
);
ALTER TABLE subscriptions ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON subscriptions USING (tenant_id = app_current_tenant());
-- A tenant reads its subscription; changes go through the billing functions, which check
-- the role and write as the platform.
GRANT SELECT ON subscriptions TO sales_hunter_tenant;

-- Every change of plan, with the proration it caused (the next invoice bills it).
CREATE TABLE subscription_changes (
    tenant_id        uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    id               uuid NOT NULL DEFAULT gen_random_uuid(),
    from_plan_id     text NOT NULL REFERENCES plans (id),
    to_plan_id       text NOT NULL REFERENCES plans (id),
    -- 'now' (an upgrade, prorated) or 'period_end' (a downgrade, scheduled).
    takes_effect     text NOT NULL CHECK (takes_effect IN ('now', 'period_end')),
    proration_minor  bigint NOT NULL DEFAULT 0,
    changed_by       uuid REFERENCES users (id) ON DELETE SET NULL,
    created_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id)
);
ALTER TABLE subscription_changes ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON subscription_changes USING (tenant_id = app_current_tenant());
GRANT SELECT ON subscription_changes TO sales_hunter_tenant;

-- A new organisation starts on the trial of the plan that offers one (the highest), and
-- every existing organisation gets a subscription the same way.
CREATE FUNCTION billing_trial_plan() RETURNS text
    LANGUAGE sql STABLE AS $$
    SELECT COALESCE((SELECT id FROM public.plans WHERE trial_days > 0 AND offered
                     ORDER BY position DESC LIMIT 1), 'free') $$;

CREATE FUNCTION billing_start_subscription() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
DECLARE
    p public.plans;
BEGIN
    SELECT * INTO p FROM public.plans WHERE id = public.billing_trial_plan();
    INSERT INTO public.subscriptions (tenant_id, plan_id, status, period_start, period_end, trial_ends_at)
    VALUES (NEW.id, p.id,
            CASE WHEN p.trial_days > 0 THEN 'trialing' ELSE 'active' END,
            NEW.created_at,
            CASE WHEN p.trial_days > 0 THEN NEW.created_at + make_interval(days => p.trial_days)
                 ELSE NEW.created_at + interval '1 month' END,
            CASE WHEN p.trial_days > 0 THEN NEW.created_at + make_interval(days => p.trial_days) END)
    ON CONFLICT (tenant_id) DO NOTHING;
    RETURN NULL;
END $$;
CREATE TRIGGER tenants_start_subscription AFTER INSERT ON tenants
    FOR EACH ROW EXECUTE FUNCTION billing_start_subscription();

INSERT INTO subscriptions (tenant_id, plan_id, status, period_start, period_end, trial_ends_at)
SELECT t.id, p.id, 'trialing', now(), now() + make_interval(days => greatest(p.trial_days, 1)),
       now() + make_interval(days => greatest(p.trial_days, 1))
FROM tenants t, plans p WHERE p.id = billing_trial_plan();

-- Seats follow the members: a statement that adds or removes members sets the count.
CREATE FUNCTION billing_count_seats() RETURNS trigger
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
BEGIN
    UPDATE public.subscriptions s
    SET seats = (SELECT count(*) FROM public.memberships m WHERE m.tenant_id = s.tenant_id),
        updated_at = now()
    WHERE s.tenant_id IN (SELECT tenant_id FROM changed_rows);
    RETURN NULL;
END $$;
CREATE TRIGGER memberships_count_seats_insert AFTER INSERT ON memberships
    REFERENCING NEW TABLE AS changed_rows
    FOR EACH STATEMENT EXECUTE FUNCTION billing_count_seats();
CREATE TRIGGER memberships_count_seats_delete AFTER DELETE ON memberships
    REFERENCING OLD TABLE AS changed_rows
    FOR EACH STATEMENT EXECUTE FUNCTION billing_count_seats();
UPDATE subscriptions s
SET seats = (SELECT count(*) FROM memberships m WHERE m.tenant_id = s.tenant_id);

-- Usage counts against the period it happened in: each event names its period, and one
-- counter row per tenant, meter and period holds the period's total. The counter is what a
-- hard cap checks (one conditional UPDATE: its row lock orders concurrent callers, so the
-- cap is never overshot) and what the usage pages read at any number of events.
ALTER TABLE usage_events ADD COLUMN period_start date;
UPDATE usage_events SET period_start = date_trunc('month', occurred_at AT TIME ZONE 'UTC')::date;
ALTER TABLE usage_events ALTER COLUMN period_start SET NOT NULL;
CREATE INDEX usage_events_by_period ON usage_events (tenant_id, period_start, meter);

CREATE TABLE usage_counters (
    tenant_id     uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    meter         text NOT NULL CHECK (meter IN ('agent_runs', 'llm_tokens', 'records_synced', 'api_calls')),
    period_start  date NOT NULL,
    -- The sum of the period's events.
    used          bigint NOT NULL DEFAULT 0 CHECK (used >= 0),
    -- Held for work under way (a model call), settled when its event is recorded.
    reserved      bigint NOT NULL DEFAULT 0 CHECK (reserved >= 0),
    -- One-off additions to the cap, granted by platform admins.
    allowance     bigint NOT NULL DEFAULT 0 CHECK (allowance >= 0),
    -- When the owners were told the period passed 80 % of its cap.
    warned_at     timestamptz,
    PRIMARY KEY (tenant_id, meter, period_start)
);
ALTER TABLE usage_counters ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON usage_counters USING (tenant_id = app_current_tenant())
    WITH CHECK (tenant_id = app_current_tenant());
-- The allowance is the platform's to grant: a tenant's work may count, not raise its cap.
GRANT SELECT ON usage_counters TO sales_hunter_tenant;
GRANT INSERT (tenant_id, meter, period_start), UPDATE (used, reserved, warned_at)
    ON usage_counters TO sales_hunter_tenant;

INSERT INTO usage_counters (tenant_id, meter, period_start, used)
SELECT tenant_id, meter, period_start, sum(quantity) FROM usage_events GROUP BY 1, 2, 3;
