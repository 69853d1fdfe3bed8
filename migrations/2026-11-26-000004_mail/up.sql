-- The mail outbox and password resets.

-- Mail is written here in the transaction that causes it, with a send_email job; the job
-- hands it to SMTP (or, with no SMTP configured, to the log and the dev mailbox). Bodies
-- carry one-time links, so a body is blanked once an SMTP server has accepted it.
CREATE TABLE emails (
    id          uuid PRIMARY KEY,
    tenant_id   uuid REFERENCES tenants (id) ON DELETE CASCADE,
    to_address  text NOT NULL CHECK (length(to_address) <= 254),
    subject     text NOT NULL CHECK (length(subject) <= 300),
    body_text   text NOT NULL,
    -- queued → sent (SMTP accepted it) | logged (no SMTP: kept for the dev mailbox) | failed
    state       text NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'sent', 'logged', 'failed')),
    last_error  text,
    created_at  timestamptz NOT NULL DEFAULT now(),
    sent_at     timestamptz
);
CREATE INDEX emails_recent_idx ON emails (created_at DESC);

ALTER TABLE emails ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON emails
    USING (tenant_id = app_current_tenant()) WITH CHECK (tenant_id = app_current_tenant());
GRANT INSERT ON emails TO sales_hunter_tenant;

-- "Forgot password" requests. Every request is a row, also for addresses without an
-- account (user_id and token_hash NULL), so the throttle counts them all alike and the
-- answer never tells whether an account exists.
CREATE TABLE password_resets (
    id          uuid PRIMARY KEY,
    email       text NOT NULL CHECK (length(email) <= 254),
    user_id     uuid REFERENCES users (id) ON DELETE CASCADE,
    token_hash  text,
    ip          text NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    expires_at  timestamptz NOT NULL,
    used_at     timestamptz,
    CONSTRAINT password_resets_token_hash_key UNIQUE (token_hash)
);
CREATE INDEX password_resets_email_idx ON password_resets (email, created_at);
CREATE INDEX password_resets_ip_idx ON password_resets (ip, created_at);
CREATE INDEX login_attempts_created_idx ON login_attempts (created_at);
