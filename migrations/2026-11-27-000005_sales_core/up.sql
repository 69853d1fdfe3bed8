-- The sales core: accounts, contacts, leads, opportunities with their stage history,
-- activities, tasks, custom fields, saved views and per-tenant settings.
--
-- Every table is tenant-owned: tenant_id leads the primary key and every key tenants share,
-- and RLS applies. Optional text is '' rather than NULL where a column is sorted on, so a
-- keyset cursor (value, id) never meets a NULL. Owners reference memberships, so removing a
-- member leaves the records unowned instead of deleting them.

CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- Stages of the pipeline, per tenant. kind: open | won | lost.
CREATE TABLE pipeline_stages (
    tenant_id          uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    id                 uuid NOT NULL,
    name               text NOT NULL CHECK (length(name) BETWEEN 1 AND 60),
    position           integer NOT NULL,
    probability        smallint NOT NULL CHECK (probability BETWEEN 0 AND 100),
    forecast_category  text NOT NULL
                       CHECK (forecast_category IN ('pipeline', 'best_case', 'commit', 'closed', 'omitted')),
    kind               text NOT NULL DEFAULT 'open' CHECK (kind IN ('open', 'won', 'lost')),
    PRIMARY KEY (tenant_id, id),
    CONSTRAINT pipeline_stages_name_key UNIQUE (tenant_id, name)
);

-- The sales settings of a tenant: the quota pipeline coverage is measured against.
CREATE TABLE sales_settings (
    tenant_id              uuid PRIMARY KEY REFERENCES tenants (id) ON DELETE CASCADE,
    currency               text NOT NULL DEFAULT 'USD' CHECK (currency ~ '^[A-Z]{3}$'),
    quarterly_quota_minor  bigint NOT NULL DEFAULT 0 CHECK (quarterly_quota_minor >= 0)
);

-- Custom fields per tenant and object; values live in each record's `custom` jsonb, keyed by
-- `key`, validated against these definitions before they are written.
CREATE TABLE custom_fields (
    tenant_id   uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    object      text NOT NULL CHECK (object IN ('lead', 'contact', 'account', 'opportunity')),
    key         text NOT NULL CHECK (key ~ '^[a-z][a-z0-9_]{0,39}$'),
    label       text NOT NULL CHECK (length(label) BETWEEN 1 AND 60),
    kind        text NOT NULL
                CHECK (kind IN ('text', 'number', 'date', 'select', 'multi_select', 'boolean', 'url')),
    options     text[] NOT NULL DEFAULT '{}',
    position    integer NOT NULL DEFAULT 0,
    created_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, object, key)
);

CREATE TABLE accounts (
    tenant_id            uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    id                   uuid NOT NULL,
    name                 text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    domain               text NOT NULL DEFAULT '' CHECK (domain = lower(domain) AND length(domain) <= 253),
    industry             text NOT NULL DEFAULT '' CHECK (length(industry) <= 100),
    employee_count       integer CHECK (employee_count >= 0),
    annual_revenue_minor bigint CHECK (annual_revenue_minor >= 0),
    country              text NOT NULL DEFAULT '' CHECK (length(country) <= 100),
    region               text NOT NULL DEFAULT '' CHECK (length(region) <= 100),
    technologies         text[] NOT NULL DEFAULT '{}',
    owner_id             uuid,
    custom               jsonb NOT NULL DEFAULT '{}'::jsonb,
    external_source      text,
    external_id          text,
    created_at           timestamptz NOT NULL DEFAULT now(),
    updated_at           timestamptz NOT NULL DEFAULT now(),
    search_text          text NOT NULL GENERATED ALWAYS AS (lower(name || ' ' || domain)) STORED,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, owner_id) REFERENCES memberships (tenant_id, user_id) ON DELETE SET NULL (owner_id),
    CHECK ((external_source IS NULL) = (external_id IS NULL))
);
CREATE UNIQUE INDEX accounts_external_idx ON accounts (tenant_id, external_source, external_id)
    WHERE external_id IS NOT NULL;
CREATE INDEX accounts_domain_idx ON accounts (tenant_id, domain) WHERE domain <> '';
CREATE INDEX accounts_name_idx ON accounts (tenant_id, name, id);
CREATE INDEX accounts_search_idx ON accounts USING gin (search_text gin_trgm_ops);

CREATE TABLE contacts (
    tenant_id        uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    id               uuid NOT NULL,
    account_id       uuid,
    first_name       text NOT NULL DEFAULT '' CHECK (length(first_name) <= 100),
    last_name        text NOT NULL CHECK (length(last_name) BETWEEN 1 AND 100),
    title            text NOT NULL DEFAULT '' CHECK (length(title) <= 200),
    seniority        text NOT NULL DEFAULT '' CHECK (length(seniority) <= 50),
    email            text NOT NULL DEFAULT '' CHECK (email = lower(email) AND length(email) <= 254),
    phone            text NOT NULL DEFAULT '' CHECK (length(phone) <= 50),
    linkedin_url     text NOT NULL DEFAULT '' CHECK (length(linkedin_url) <= 500),
    owner_id         uuid,
    custom           jsonb NOT NULL DEFAULT '{}'::jsonb,
    external_source  text,
    external_id      text,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    search_text      text NOT NULL GENERATED ALWAYS AS (lower(first_name || ' ' || last_name || ' ' || email)) STORED,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, account_id) REFERENCES accounts (tenant_id, id) ON DELETE SET NULL (account_id),
    FOREIGN KEY (tenant_id, owner_id) REFERENCES memberships (tenant_id, user_id) ON DELETE SET NULL (owner_id),
    CHECK ((external_source IS NULL) = (external_id IS NULL))
);
CREATE UNIQUE INDEX contacts_external_idx ON contacts (tenant_id, external_source, external_id)
    WHERE external_id IS NOT NULL;
CREATE INDEX contacts_account_idx ON contacts (tenant_id, account_id);
CREATE INDEX contacts_email_idx ON contacts (tenant_id, email) WHERE email <> '';
CREATE INDEX contacts_search_idx ON contacts USING gin (search_text gin_trgm_ops);

CREATE TABLE leads (
    tenant_id                 uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    id                        uuid NOT NULL,
    first_name                text NOT NULL DEFAULT '' CHECK (length(first_name) <= 100),
    last_name                 text NOT NULL CHECK (length(last_name) BETWEEN 1 AND 100),
    email                     text NOT NULL DEFAULT '' CHECK (email = lower(email) AND length(email) <= 254),
    phone                     text NOT NULL DEFAULT '' CHECK (length(phone) <= 50),
    title                     text NOT NULL DEFAULT '' CHECK (length(title) <= 200),
    company                   text NOT NULL DEFAULT '' CHECK (length(company) <= 200),
    domain                    text NOT NULL DEFAULT '' CHECK (domain = lower(domain) AND length(domain) <= 253),
    industry                  text NOT NULL DEFAULT '' CHECK (length(industry) <= 100),
    employee_count            integer CHECK (employee_count >= 0),
    country                   text NOT NULL DEFAULT '' CHECK (length(country) <= 100),
    source                    text NOT NULL DEFAULT '' CHECK (length(source) <= 60),
    status                    text NOT NULL DEFAULT 'new'
                              CHECK (status IN ('new', 'working', 'nurture', 'qualified', 'disqualified', 'converted')),
    score                     smallint NOT NULL DEFAULT 0 CHECK (score BETWEEN 0 AND 100),
    score_breakdown           jsonb NOT NULL DEFAULT '[]'::jsonb,
    owner_id                  uuid,
    first_activity_at         timestamptz,
    last_activity_at          timestamptz,
    converted_at              timestamptz,
    converted_account_id      uuid,
    converted_contact_id      uuid,
    converted_opportunity_id  uuid,
    custom                    jsonb NOT NULL DEFAULT '{}'::jsonb,
    external_source           text,
    external_id               text,
    created_at                timestamptz NOT NULL DEFAULT now(),
    updated_at                timestamptz NOT NULL DEFAULT now(),
    -- Sort and search keys, kept by PostgreSQL: the keyset never meets a NULL (no activity
    -- sorts as the epoch).
    full_name                 text NOT NULL GENERATED ALWAYS AS (btrim(first_name || ' ' || last_name)) STORED,
    activity_sort             timestamptz NOT NULL GENERATED ALWAYS AS (COALESCE(last_activity_at, to_timestamp(0))) STORED,
    search_text               text NOT NULL GENERATED ALWAYS AS (lower(first_name || ' ' || last_name || ' ' || company || ' ' || email)) STORED,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, owner_id) REFERENCES memberships (tenant_id, user_id) ON DELETE SET NULL (owner_id),
    CHECK ((external_source IS NULL) = (external_id IS NULL))
);
-- One lead per e-mail address in a tenant (leads without one are not compared).
CREATE UNIQUE INDEX leads_email_key ON leads (tenant_id, email) WHERE email <> '';
CREATE UNIQUE INDEX leads_external_idx ON leads (tenant_id, external_source, external_id)
    WHERE external_id IS NOT NULL;
-- One index per sortable column, (tenant, key, id): every page is an index range scan.
CREATE INDEX leads_created_idx ON leads (tenant_id, created_at, id);
CREATE INDEX leads_name_idx ON leads (tenant_id, full_name, id);
CREATE INDEX leads_company_idx ON leads (tenant_id, company, id);
CREATE INDEX leads_email_sort_idx ON leads (tenant_id, email, id);
CREATE INDEX leads_status_idx ON leads (tenant_id, status, id);
CREATE INDEX leads_score_idx ON leads (tenant_id, score, id);
CREATE INDEX leads_activity_idx ON leads (tenant_id, activity_sort, id);
CREATE INDEX leads_owner_idx ON leads (tenant_id, owner_id, created_at, id);
CREATE INDEX leads_search_idx ON leads USING gin (search_text gin_trgm_ops);
CREATE INDEX leads_custom_idx ON leads USING gin (custom jsonb_path_ops);

CREATE TABLE opportunities (
    tenant_id           uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    id                  uuid NOT NULL,
    name                text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    account_id          uuid,
    primary_contact_id  uuid,
    lead_id             uuid,
    amount_minor        bigint NOT NULL DEFAULT 0 CHECK (amount_minor >= 0),
    currency            text NOT NULL DEFAULT 'USD' CHECK (currency ~ '^[A-Z]{3}$'),
    stage_id            uuid NOT NULL,
    close_date          date NOT NULL,
    owner_id            uuid,
    -- NULL: the stage's category.
    forecast_category   text CHECK (forecast_category IN ('pipeline', 'best_case', 'commit', 'closed', 'omitted')),
    next_step           text NOT NULL DEFAULT '' CHECK (length(next_step) <= 500),
    lost_reason         text NOT NULL DEFAULT '' CHECK (length(lost_reason) <= 500),
    stage_entered_at    timestamptz NOT NULL DEFAULT now(),
    closed_at           timestamptz,
    custom              jsonb NOT NULL DEFAULT '{}'::jsonb,
    external_source     text,
    external_id         text,
    created_at          timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now(),
    search_text         text NOT NULL GENERATED ALWAYS AS (lower(name)) STORED,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, account_id) REFERENCES accounts (tenant_id, id) ON DELETE SET NULL (account_id),
    FOREIGN KEY (tenant_id, primary_contact_id) REFERENCES contacts (tenant_id, id) ON DELETE SET NULL (primary_contact_id),
    FOREIGN KEY (tenant_id, lead_id) REFERENCES leads (tenant_id, id) ON DELETE SET NULL (lead_id),
    FOREIGN KEY (tenant_id, stage_id) REFERENCES pipeline_stages (tenant_id, id),
    FOREIGN KEY (tenant_id, owner_id) REFERENCES memberships (tenant_id, user_id) ON DELETE SET NULL (owner_id),
    CHECK ((external_source IS NULL) = (external_id IS NULL))
);
CREATE UNIQUE INDEX opportunities_external_idx ON opportunities (tenant_id, external_source, external_id)
    WHERE external_id IS NOT NULL;
-- The board: open deals by stage, oldest close date first.
CREATE INDEX opportunities_board_idx ON opportunities (tenant_id, stage_id, close_date, id) WHERE closed_at IS NULL;
CREATE INDEX opportunities_closed_idx ON opportunities (tenant_id, closed_at) WHERE closed_at IS NOT NULL;
CREATE INDEX opportunities_created_idx ON opportunities (tenant_id, created_at);
CREATE INDEX opportunities_account_idx ON opportunities (tenant_id, account_id);
CREATE INDEX opportunities_lead_idx ON opportunities (tenant_id, lead_id) WHERE lead_id IS NOT NULL;
CREATE INDEX opportunities_search_idx ON opportunities USING gin (search_text gin_trgm_ops);

-- The contacts of a deal and the part each plays.
CREATE TABLE opportunity_contacts (
    tenant_id       uuid NOT NULL,
    opportunity_id  uuid NOT NULL,
    contact_id      uuid NOT NULL,
    role            text NOT NULL DEFAULT '' CHECK (length(role) <= 60),
    PRIMARY KEY (tenant_id, opportunity_id, contact_id),
    FOREIGN KEY (tenant_id, opportunity_id) REFERENCES opportunities (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, contact_id) REFERENCES contacts (tenant_id, id) ON DELETE CASCADE
);

-- Every stage, amount and close-date change: the deal's state from changed_at on. Durations,
-- slippage and velocity are computed from consecutive rows.
CREATE TABLE opportunity_history (
    tenant_id       uuid NOT NULL,
    id              bigint GENERATED ALWAYS AS IDENTITY,
    opportunity_id  uuid NOT NULL,
    stage_id        uuid NOT NULL,
    amount_minor    bigint NOT NULL,
    close_date      date NOT NULL,
    changed_by      uuid REFERENCES users (id) ON DELETE SET NULL,
    changed_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, opportunity_id) REFERENCES opportunities (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX opportunity_history_opp_idx ON opportunity_history (tenant_id, opportunity_id, changed_at);

CREATE TABLE activities (
    tenant_id       uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    id              uuid NOT NULL,
    kind            text NOT NULL CHECK (kind IN ('call', 'email', 'meeting', 'note')),
    subject         text NOT NULL CHECK (length(subject) BETWEEN 1 AND 200),
    body            text NOT NULL DEFAULT '' CHECK (length(body) <= 10000),
    outcome         text NOT NULL DEFAULT '' CHECK (length(outcome) <= 100),
    occurred_at     timestamptz NOT NULL,
    user_id         uuid REFERENCES users (id) ON DELETE SET NULL,
    lead_id         uuid,
    contact_id      uuid,
    account_id      uuid,
    opportunity_id  uuid,
    created_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, lead_id) REFERENCES leads (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, contact_id) REFERENCES contacts (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, account_id) REFERENCES accounts (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, opportunity_id) REFERENCES opportunities (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX activities_lead_idx ON activities (tenant_id, lead_id, occurred_at) WHERE lead_id IS NOT NULL;
CREATE INDEX activities_opportunity_idx ON activities (tenant_id, opportunity_id, occurred_at) WHERE opportunity_id IS NOT NULL;
CREATE INDEX activities_occurred_idx ON activities (tenant_id, occurred_at);

CREATE TABLE tasks (
    tenant_id       uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    id              uuid NOT NULL,
    title           text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    due_on          date NOT NULL,
    assignee_id     uuid,
    done_at         timestamptz,
    lead_id         uuid,
    contact_id      uuid,
    account_id      uuid,
    opportunity_id  uuid,
    created_by      uuid REFERENCES users (id) ON DELETE SET NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, assignee_id) REFERENCES memberships (tenant_id, user_id) ON DELETE SET NULL (assignee_id),
    FOREIGN KEY (tenant_id, lead_id) REFERENCES leads (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, contact_id) REFERENCES contacts (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, account_id) REFERENCES accounts (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, opportunity_id) REFERENCES opportunities (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX tasks_open_idx ON tasks (tenant_id, assignee_id, due_on) WHERE done_at IS NULL;
CREATE INDEX tasks_lead_idx ON tasks (tenant_id, lead_id) WHERE lead_id IS NOT NULL;
CREATE INDEX tasks_opportunity_idx ON tasks (tenant_id, opportunity_id) WHERE opportunity_id IS NOT NULL;

-- Named views of the leads table: the query string of the page, per user or shared.
CREATE TABLE saved_views (
    tenant_id   uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    id          uuid NOT NULL,
    user_id     uuid NOT NULL,
    object      text NOT NULL DEFAULT 'lead' CHECK (object IN ('lead')),
    name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 60),
    query       text NOT NULL CHECK (length(query) <= 2000),
    shared      boolean NOT NULL DEFAULT false,
    created_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, user_id) REFERENCES memberships (tenant_id, user_id) ON DELETE CASCADE,
    CONSTRAINT saved_views_name_key UNIQUE (tenant_id, user_id, object, name)
);

DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['pipeline_stages', 'sales_settings', 'custom_fields', 'accounts',
        'contacts', 'leads', 'opportunities', 'opportunity_contacts', 'opportunity_history',
        'activities', 'tasks', 'saved_views']
    LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('CREATE POLICY tenant_isolation ON %I USING (tenant_id = app_current_tenant()) '
                       'WITH CHECK (tenant_id = app_current_tenant())', t);
        EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %I TO sales_hunter_tenant', t);
    END LOOP;
END
$$;
-- History is append-only.
REVOKE UPDATE, DELETE ON opportunity_history FROM sales_hunter_tenant;
