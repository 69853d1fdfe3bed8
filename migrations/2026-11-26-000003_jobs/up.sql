-- The job queue: claimed with FOR UPDATE SKIP LOCKED by any number of workers.
--
-- A job is pending (waiting for run_at), running (leased to a worker until locked_until),
-- done, or dead (out of attempts; kept with its last error until an admin retries it).
-- A worker that dies loses its lease, and the job is taken again.
CREATE TABLE jobs (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    -- NULL for platform jobs (pruning, mail without a tenant).
    tenant_id     uuid REFERENCES tenants (id) ON DELETE CASCADE,
    kind          text NOT NULL CHECK (length(kind) BETWEEN 1 AND 100),
    queue         text NOT NULL DEFAULT 'default' CHECK (length(queue) BETWEEN 1 AND 100),
    payload       jsonb NOT NULL DEFAULT '{}'::jsonb,
    priority      smallint NOT NULL DEFAULT 0,
    state         text NOT NULL DEFAULT 'pending'
                  CHECK (state IN ('pending', 'running', 'done', 'dead')),
    run_at        timestamptz NOT NULL DEFAULT now(),
    attempts      integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    max_attempts  integer NOT NULL DEFAULT 10 CHECK (max_attempts >= 1),
    last_error    text,
    locked_by     text,
    locked_until  timestamptz,
    dedup_key     text CHECK (length(dedup_key) <= 200),
    created_at    timestamptz NOT NULL DEFAULT now(),
    finished_at   timestamptz
);
-- What the claim query walks: ready jobs by queue, priority, due time.
CREATE INDEX jobs_ready_idx ON jobs (queue, priority DESC, run_at, id) WHERE state = 'pending';
CREATE INDEX jobs_lease_idx ON jobs (locked_until) WHERE state = 'running';
CREATE INDEX jobs_finished_idx ON jobs (state, finished_at) WHERE state IN ('done', 'dead');
CREATE INDEX jobs_tenant_idx ON jobs (tenant_id, created_at DESC) WHERE tenant_id IS NOT NULL;
-- One pending or running job per (tenant, kind, key): e.g. one sync per connection.
CREATE UNIQUE INDEX jobs_dedup_idx
    ON jobs (COALESCE(tenant_id, '00000000-0000-0000-0000-000000000000'::uuid), kind, dedup_key)
    WHERE dedup_key IS NOT NULL AND state IN ('pending', 'running');

-- Recurring jobs. Every worker looks at due rows with FOR UPDATE SKIP LOCKED and moves
-- next_run_at on in the same transaction, so each due time fires once however many run.
CREATE TABLE job_schedules (
    name          text PRIMARY KEY CHECK (length(name) BETWEEN 1 AND 200),
    tenant_id     uuid REFERENCES tenants (id) ON DELETE CASCADE,
    kind          text NOT NULL CHECK (length(kind) BETWEEN 1 AND 100),
    queue         text NOT NULL DEFAULT 'default' CHECK (length(queue) BETWEEN 1 AND 100),
    payload       jsonb NOT NULL DEFAULT '{}'::jsonb,
    max_attempts  integer NOT NULL DEFAULT 10 CHECK (max_attempts >= 1),
    every_secs    integer NOT NULL CHECK (every_secs > 0),
    next_run_at   timestamptz NOT NULL,
    last_run_at   timestamptz
);
CREATE INDEX job_schedules_due_idx ON job_schedules (next_run_at);

-- A tenant's transactions enqueue its jobs (committed with the change that caused them) and
-- may watch them; only the platform role claims and runs them.
ALTER TABLE jobs ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON jobs
    USING (tenant_id = app_current_tenant()) WITH CHECK (tenant_id = app_current_tenant());
-- Only the columns NewJob sets: state, attempts and leases are the worker's.
GRANT SELECT, INSERT (tenant_id, kind, queue, payload, priority, run_at, max_attempts, dedup_key)
    ON jobs TO sales_hunter_tenant;

ALTER TABLE job_schedules ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON job_schedules
    USING (tenant_id = app_current_tenant()) WITH CHECK (tenant_id = app_current_tenant());
GRANT SELECT ON job_schedules TO sales_hunter_tenant;
