-- Connectors: a tenant's connections to outside systems (Salesforce first), what each syncs
-- and how, the link from every synced record to its remote twin, and the record of each run.
--
-- Secrets (tokens, the connected app's client secret) are only ever stored encrypted
-- (AES-256-GCM, key from the environment), in `credentials`; nothing else here is secret.

CREATE TABLE connections (
    tenant_id          uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    id                 uuid NOT NULL,
    kind               text NOT NULL CHECK (kind ~ '^[a-z][a-z0-9_]{0,39}$'),
    -- setup: settings saved, not authorised yet; connected; error: the last run could not
    -- authenticate (re-connect to mend); disconnected: token revoked, credentials deleted.
    status             text NOT NULL DEFAULT 'setup'
                       CHECK (status IN ('setup', 'connected', 'error', 'disconnected')),
    -- Not secret: login host, API version, client id, the share of the API allowance a run
    -- may use, the remote user and org once connected.
    settings           jsonb NOT NULL DEFAULT '{}'::jsonb,
    credentials        bytea,
    -- An OAuth authorisation under way: the hash of its `state` and its PKCE verifier
    -- (encrypted), both cleared by the callback.
    oauth_state_hash   text,
    oauth_verifier     bytea,
    oauth_started_at   timestamptz,
    -- 0: only "sync now".
    sync_every_minutes integer NOT NULL DEFAULT 60 CHECK (sync_every_minutes = 0 OR sync_every_minutes BETWEEN 5 AND 10080),
    last_sync_at       timestamptz,
    last_error         text NOT NULL DEFAULT '',
    -- The org's API allowance as the last response reported it (Sforce-Limit-Info).
    api_used           integer,
    api_limit          integer,
    api_checked_at     timestamptz,
    created_by         uuid,
    created_at         timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    -- One connection of a kind per tenant: synced records are keyed by (kind, remote id).
    CONSTRAINT connections_kind_key UNIQUE (tenant_id, kind)
);
CREATE UNIQUE INDEX connections_oauth_state_idx ON connections (oauth_state_hash) WHERE oauth_state_hash IS NOT NULL;

-- What a connection syncs per local object: the remote object, the field mapping and the
-- cursors of the incremental pulls (changes and deletions), each a compound
-- (timestamp, remote id) so records sharing a timestamp are never skipped.
CREATE TABLE connection_objects (
    tenant_id          uuid NOT NULL,
    connection_id      uuid NOT NULL,
    object             text NOT NULL CHECK (object IN ('account', 'contact', 'lead', 'opportunity')),
    remote_object      text NOT NULL,
    enabled            boolean NOT NULL DEFAULT true,
    -- [{remote, local, direction: pull|push|both, policy: remote_wins|local_wins|newest_wins, values?}]
    mappings           jsonb NOT NULL DEFAULT '[]'::jsonb,
    cursor_at          timestamptz,
    cursor_id          text NOT NULL DEFAULT '',
    deleted_cursor_at  timestamptz,
    deleted_cursor_id  text NOT NULL DEFAULT '',
    PRIMARY KEY (tenant_id, connection_id, object),
    FOREIGN KEY (tenant_id, connection_id) REFERENCES connections (tenant_id, id) ON DELETE CASCADE
);

-- One row per synced record: its local twin and the mapped values both sides agreed on at
-- the last sync, so a later sync can tell which side changed a field.
CREATE TABLE connector_links (
    tenant_id        uuid NOT NULL,
    connection_id    uuid NOT NULL,
    object           text NOT NULL,
    external_id      text NOT NULL,
    local_id         uuid NOT NULL,
    remote_modified  timestamptz NOT NULL,
    synced           jsonb NOT NULL,
    synced_at        timestamptz NOT NULL DEFAULT now(),
    -- A field that flows out differs from the remote value (a conflict this side won).
    push_pending     boolean NOT NULL DEFAULT false,
    PRIMARY KEY (tenant_id, connection_id, object, external_id),
    FOREIGN KEY (tenant_id, connection_id) REFERENCES connections (tenant_id, id) ON DELETE CASCADE
);
CREATE UNIQUE INDEX connector_links_local_idx ON connector_links (tenant_id, connection_id, object, local_id);

-- A sync run: per object counts in `counts` ({"lead": {"fetched": 2000, ...}}).
CREATE TABLE sync_runs (
    tenant_id      uuid NOT NULL,
    id             uuid NOT NULL,
    connection_id  uuid NOT NULL,
    trigger        text NOT NULL CHECK (trigger IN ('manual', 'schedule')),
    -- paused: stopped before the API allowance share was used up; the next run resumes.
    state          text NOT NULL DEFAULT 'queued'
                   CHECK (state IN ('queued', 'running', 'done', 'paused', 'failed')),
    object         text NOT NULL DEFAULT '',
    counts         jsonb NOT NULL DEFAULT '{}'::jsonb,
    api_calls      integer NOT NULL DEFAULT 0,
    error          text NOT NULL DEFAULT '',
    requested_by   uuid,
    created_at     timestamptz NOT NULL DEFAULT now(),
    started_at     timestamptz,
    finished_at    timestamptz,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, connection_id) REFERENCES connections (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX sync_runs_connection_idx ON sync_runs (tenant_id, connection_id, created_at DESC);

-- Records a run could not sync, with the reason.
CREATE TABLE sync_run_errors (
    tenant_id    uuid NOT NULL,
    run_id       uuid NOT NULL,
    seq          bigint GENERATED ALWAYS AS IDENTITY,
    object       text NOT NULL,
    external_id  text NOT NULL,
    direction    text NOT NULL CHECK (direction IN ('pull', 'push', 'delete')),
    message      text NOT NULL,
    at           timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, run_id, seq),
    FOREIGN KEY (tenant_id, run_id) REFERENCES sync_runs (tenant_id, id) ON DELETE CASCADE
);

DO $$
DECLARE t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['connections', 'connection_objects', 'connector_links', 'sync_runs', 'sync_run_errors']
    LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('CREATE POLICY tenant_isolation ON %I USING (tenant_id = app_current_tenant()) '
                       'WITH CHECK (tenant_id = app_current_tenant())', t);
        EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %I TO sales_hunter_tenant', t);
    END LOOP;
END
$$;

-- A connection's schedule is written with the connection, by its tenant (RLS keeps each
-- tenant to its own rows; platform schedules have no tenant and stay out of reach).
GRANT INSERT, UPDATE, DELETE ON job_schedules TO sales_hunter_tenant;
