-- Stripe, when configured. Every webhook event received, once (Stripe's event id: a
-- replayed delivery finds its row and changes nothing), processed by a job; and what Stripe
-- says of each organisation's customer, subscriptions and invoices, mirrored from those
-- events. Each mirrored row keeps the time of the event it came from, so an older event
-- arriving late never overwrites a newer one.
CREATE TABLE stripe_events (
    id            text PRIMARY KEY,
    type          text NOT NULL,
    payload       jsonb NOT NULL,
    created_at    timestamptz NOT NULL,
    received_at   timestamptz NOT NULL DEFAULT now(),
    processed_at  timestamptz,
    -- What processing did: mirrored, ignored (and why).
    outcome       text NOT NULL DEFAULT ''
);
CREATE INDEX stripe_events_unprocessed ON stripe_events (received_at) WHERE processed_at IS NULL;

CREATE TABLE stripe_customers (
    tenant_id    uuid PRIMARY KEY REFERENCES tenants (id) ON DELETE CASCADE,
    customer_id  text NOT NULL UNIQUE,
    email        text NOT NULL DEFAULT '',
    event_at     timestamptz NOT NULL DEFAULT '-infinity'
);

CREATE TABLE stripe_subscriptions (
    id                    text PRIMARY KEY,
    tenant_id             uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    status                text NOT NULL,
    current_period_end    timestamptz,
    cancel_at_period_end  boolean NOT NULL DEFAULT false,
    event_at              timestamptz NOT NULL
);
CREATE INDEX stripe_subscriptions_by_tenant ON stripe_subscriptions (tenant_id);

CREATE TABLE stripe_invoices (
    id           text PRIMARY KEY,
    tenant_id    uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    number       text,
    status       text NOT NULL,
    amount_due   bigint NOT NULL,
    amount_paid  bigint NOT NULL,
    currency     text NOT NULL,
    hosted_url   text,
    event_at     timestamptz NOT NULL
);
CREATE INDEX stripe_invoices_by_tenant ON stripe_invoices (tenant_id, event_at DESC);

ALTER TABLE stripe_customers ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON stripe_customers USING (tenant_id = app_current_tenant())
    WITH CHECK (tenant_id = app_current_tenant());
ALTER TABLE stripe_subscriptions ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON stripe_subscriptions USING (tenant_id = app_current_tenant())
    WITH CHECK (tenant_id = app_current_tenant());
ALTER TABLE stripe_invoices ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON stripe_invoices USING (tenant_id = app_current_tenant())
    WITH CHECK (tenant_id = app_current_tenant());
-- The organisation's own pages read what Stripe says; only the platform role writes it.
GRANT SELECT ON stripe_customers, stripe_subscriptions, stripe_invoices TO sales_hunter_tenant;
