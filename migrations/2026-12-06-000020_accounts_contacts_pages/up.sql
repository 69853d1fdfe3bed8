-- The accounts and contacts pages: a contact's name as one sortable column (as leads have),
-- an index per sortable column of each table (keyset pages: `(tenant_id, column, id)`),
-- the related activities and tasks of an account or contact, and saved views of both.
ALTER TABLE contacts
    ADD COLUMN full_name text NOT NULL GENERATED ALWAYS AS (btrim(first_name || ' ' || last_name)) STORED;

CREATE INDEX accounts_created_idx ON accounts (tenant_id, created_at, id);
CREATE INDEX accounts_industry_idx ON accounts (tenant_id, industry, id);
CREATE INDEX accounts_country_idx ON accounts (tenant_id, country, id);
CREATE INDEX accounts_employees_idx ON accounts (tenant_id, (coalesce(employee_count, -1)), id);
CREATE INDEX accounts_owner_idx ON accounts (tenant_id, owner_id);

CREATE INDEX contacts_name_idx ON contacts (tenant_id, full_name, id);
CREATE INDEX contacts_created_idx ON contacts (tenant_id, created_at, id);
CREATE INDEX contacts_email_sort_idx ON contacts (tenant_id, email, id);
CREATE INDEX contacts_title_idx ON contacts (tenant_id, title, id);
CREATE INDEX contacts_owner_idx ON contacts (tenant_id, owner_id);

CREATE INDEX activities_account_idx ON activities (tenant_id, account_id, occurred_at) WHERE account_id IS NOT NULL;
CREATE INDEX activities_contact_idx ON activities (tenant_id, contact_id, occurred_at) WHERE contact_id IS NOT NULL;
CREATE INDEX tasks_account_idx ON tasks (tenant_id, account_id) WHERE account_id IS NOT NULL;
CREATE INDEX tasks_contact_idx ON tasks (tenant_id, contact_id) WHERE contact_id IS NOT NULL;

ALTER TABLE saved_views DROP CONSTRAINT saved_views_object_check;
ALTER TABLE saved_views ADD CONSTRAINT saved_views_object_check
    CHECK (object IN ('lead', 'account', 'contact'));
