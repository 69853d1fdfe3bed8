-- Billing (issue 23), invoices: one per tenant and billing period, issued when the period
-- ends (idempotent: the period is unique), with its lines, totals in minor units, the tax
-- rate and a status. The tenant reads them; only the platform writes them.

-- The tax rate a tenant's invoices carry, in basis points (1,900 = 19 %).
ALTER TABLE subscriptions
    ADD COLUMN tax_rate_bp integer NOT NULL DEFAULT 0 CHECK (tax_rate_bp BETWEEN 0 AND 10000);

CREATE SEQUENCE invoice_numbers;

CREATE TABLE invoices (
    tenant_id       uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    id              uuid NOT NULL DEFAULT gen_random_uuid(),
    number          text NOT NULL,
    plan_id         text NOT NULL REFERENCES plans (id),
    period_start    timestamptz NOT NULL,
    period_end      timestamptz NOT NULL,
    currency        text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    subtotal_minor  bigint NOT NULL,
    tax_rate_bp     integer NOT NULL CHECK (tax_rate_bp BETWEEN 0 AND 10000),
    tax_minor       bigint NOT NULL,
    total_minor     bigint NOT NULL,
    status          text NOT NULL CHECK (status IN ('draft', 'open', 'paid', 'void')),
    issued_at       timestamptz NOT NULL DEFAULT now(),
    paid_at         timestamptz,
    voided_at       timestamptz,
    PRIMARY KEY (tenant_id, id),
    CONSTRAINT invoices_period UNIQUE (tenant_id, period_start),
    CONSTRAINT invoices_number UNIQUE (number),
    CHECK (total_minor = subtotal_minor + tax_minor)
);

CREATE TABLE invoice_lines (
    tenant_id     uuid NOT NULL,
    invoice_id    uuid NOT NULL,
    position      smallint NOT NULL,
    kind          text NOT NULL CHECK (kind IN ('base', 'seats', 'overage', 'proration')),
    description   text NOT NULL,
    quantity      bigint NOT NULL,
    amount_minor  bigint NOT NULL,
    PRIMARY KEY (tenant_id, invoice_id, position),
    FOREIGN KEY (tenant_id, invoice_id) REFERENCES invoices (tenant_id, id) ON DELETE CASCADE
);

DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['invoices', 'invoice_lines']
    LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('CREATE POLICY tenant_isolation ON %I USING (tenant_id = app_current_tenant())', t);
        EXECUTE format('GRANT SELECT ON %I TO sales_hunter_tenant', t);
    END LOOP;
END
$$;
