//! Authorising a connection (OAuth 2.0 with PKCE through the browser, or server to server)
//! and disconnecting it (the token revoked on the remote side).

use super::*;

/// How long an authorisation may take between the redirect and the callback.
pub(super) const OAUTH_WINDOW_MINUTES: i64 = 15;

pub(super) fn random_token() -> String {
    let bytes: [u8; 32] = rand::random();
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

pub(super) fn hash_state(state: &str) -> String {
    hex::encode(Sha256::digest(state.as_bytes()))
}

/// Starts an OAuth authorisation: returns the remote login URL to send the browser to. The
/// `state` and the PKCE verifier are kept (the state hashed, the verifier sealed) until
/// the callback.
pub async fn start_authorization(
    db: &Db,
    ctx: &RequestContext,
    hub: &ConnectorHub,
    id: ConnectionId,
    public_url: &str,
) -> Result<String, Error> {
    ctx.require(Role::Admin)?;
    let key = hub.key()?;
    db.tenant_tx(ctx.tenant_id, async |conn| {
        let row = load_connection(conn, id).await?;
        let connector = hub.connector(&row.kind)?;
        if !connector
            .secrets_state(&open_secrets(hub, &row)?)
            .client_secret
        {
            return Err(AppError::validation(
                "client_secret",
                "Enter the connected app's consumer secret first.",
            )
            .into());
        }
        let state = random_token();
        let verifier = random_token();
        let challenge = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .encode(Sha256::digest(verifier.as_bytes()));
        let url = connector.authorize_url(
            &row.stored()?.connector(),
            &callback_url(public_url, &row.kind),
            &state,
            &challenge,
        )?;
        diesel::update(connections::table.filter(connections::id.eq(id)))
            .set((
                connections::oauth_state_hash.eq(hash_state(&state)),
                connections::oauth_verifier.eq(key.seal(verifier.as_bytes(), id.0.as_bytes())?),
                connections::oauth_started_at.eq(diesel::dsl::now),
            ))
            .execute(conn)
            .await?;
        Ok(url)
    })
    .await
}

/// The OAuth callback: checks the `state`, trades the code for tokens and stores them
/// sealed. Returns the connection. The code exchange happens between two transactions, so
/// no database connection waits on the remote side.
pub async fn finish_authorization(
    db: &Db,
    ctx: &RequestContext,
    hub: &ConnectorHub,
    state: &str,
    code: &str,
    public_url: &str,
) -> Result<ConnectionId, Error> {
    ctx.require(Role::Admin)?;
    let key = hub.key()?;
    let expired = || {
        AppError::validation(
            "state",
            "This authorisation is unknown or has expired. Start again from the connectors page.",
        )
    };
    let (row, verifier) = db
        .tenant_tx(ctx.tenant_id, async |conn| {
            #[derive(Queryable)]
            struct Pending {
                id: ConnectionId,
                verifier: Option<Vec<u8>>,
                started: Option<chrono::DateTime<Utc>>,
            }
            let pending: Option<Pending> = connections::table
                .filter(connections::oauth_state_hash.eq(hash_state(state)))
                .select((
                    connections::id,
                    connections::oauth_verifier,
                    connections::oauth_started_at,
                ))
                .first(conn)
                .await
                .optional()?;
            let pending = pending.ok_or_else(expired)?;
            // Used up at once: a replayed callback finds nothing.
            diesel::update(connections::table.filter(connections::id.eq(pending.id)))
                .set((
                    connections::oauth_state_hash.eq(None::<String>),
                    connections::oauth_verifier.eq(None::<Vec<u8>>),
                ))
                .execute(conn)
                .await?;
            let fresh = pending
                .started
                .is_some_and(|t| Utc::now() - t < Duration::minutes(OAUTH_WINDOW_MINUTES));
            let (Some(sealed), true) = (pending.verifier, fresh) else {
                return Err(expired().into());
            };
            let verifier = String::from_utf8(key.open(&sealed, pending.id.0.as_bytes())?)
                .map_err(|_| Error::Corrupt("a PKCE verifier is not text".into()))?;
            Ok((load_connection(conn, pending.id).await?, verifier))
        })
        .await?;
    let connector = hub.connector(&row.kind)?;
    let creds = credentials(hub, &row)?;
    let authorised = connector
        .exchange_code(
            &creds,
            code,
            &verifier,
            &callback_url(public_url, &row.kind),
        )
        .await
        .map_err(|e| {
            AppError::validation(
                "code",
                format!(
                    "{} did not accept the authorisation: {e}",
                    connector.display_name()
                ),
            )
        })?;
    store_authorised(db, ctx, hub, &row, creds, authorised, "oauth").await
}

/// Authorises server to server (Salesforce's JWT bearer flow), without a browser.
pub async fn authorize_server(
    db: &Db,
    ctx: &RequestContext,
    hub: &ConnectorHub,
    id: ConnectionId,
) -> Result<ConnectionId, Error> {
    ctx.require(Role::Admin)?;
    let row = db
        .tenant_tx(ctx.tenant_id, async |conn| load_connection(conn, id).await)
        .await?;
    let connector = hub.connector(&row.kind)?;
    let creds = credentials(hub, &row)?;
    let Some(flow) = connector.authorize_server(&creds) else {
        return Err(AppError::validation(
            "jwt_username",
            "Enter the user to act as and the connected app's private key first.",
        )
        .into());
    };
    let authorised = flow.await.map_err(|e| {
        AppError::validation(
            "jwt_username",
            format!(
                "{} refused the JWT bearer authorisation: {e}",
                connector.display_name()
            ),
        )
    })?;
    store_authorised(db, ctx, hub, &row, creds, authorised, "jwt_bearer").await
}

pub(super) async fn store_authorised(
    db: &Db,
    ctx: &RequestContext,
    hub: &ConnectorHub,
    row: &ConnectionRow,
    creds: Credentials,
    authorised: Authorised,
    flow: &str,
) -> Result<ConnectionId, Error> {
    let key = hub.key()?;
    // What the authorisation yields is added to what was stored, key by key: the connector
    // names its keys, the framework only merges.
    let mut secrets = creds.secrets;
    if let (Some(s), Some(new)) = (secrets.as_object_mut(), authorised.secrets.as_object()) {
        s.extend(new.clone());
    }
    let mut stored = row.stored()?;
    if let Some(new) = authorised.settings.as_object() {
        stored.connector.extend(new.clone());
    }
    stored.remote_account = authorised.remote_account.clone();
    let settings = stored.to_json();
    let sealed = key.seal_json(&secrets, &row.seal_context())?;
    db.tenant_tx(ctx.tenant_id, async |conn| {
        diesel::update(connections::table.filter(connections::id.eq(row.id)))
            .set((
                connections::settings.eq(&settings),
                connections::credentials.eq(&sealed),
                connections::status.eq(ConnectionStatus::Connected),
                connections::last_error.eq(""),
                connections::updated_at.eq(diesel::dsl::now),
            ))
            .execute(conn)
            .await?;
        set_schedule(
            conn,
            ctx,
            row.id,
            ConnectionStatus::Connected,
            row.sync_every_minutes,
        )
        .await?;
        NewAuditEntry::by(ctx, action::AUTHORISED)
            .target("connection", row.id)
            .details(json!({"flow": flow, "remote_account": authorised.remote_account}))
            .record(conn)
            .await?;
        Ok(row.id)
    })
    .await
}

/// Disconnects: revokes the token on the remote side, then deletes the credentials and the
/// schedule. Synced records stay. Returns a warning when the remote revocation failed (the
/// credentials are deleted regardless).
pub async fn disconnect(
    db: &Db,
    ctx: &RequestContext,
    hub: &ConnectorHub,
    id: ConnectionId,
) -> Result<Option<String>, Error> {
    ctx.require(Role::Admin)?;
    let row = db
        .tenant_tx(ctx.tenant_id, async |conn| load_connection(conn, id).await)
        .await?;
    let connector = hub.connector(&row.kind)?;
    let mut stored = row.stored()?;
    let warning = match credentials(hub, &row) {
        Ok(creds) if connector.secrets_state(&creds.secrets).token => {
            connector.revoke(&creds).await.err().map(|e| {
                format!(
                    "{} could not be told to revoke the token ({e}); revoke it there under \
                     Connected Apps OAuth Usage.",
                    connector.display_name()
                )
            })
        }
        _ => None,
    };
    db.tenant_tx(ctx.tenant_id, async |conn| {
        stored.remote_account.clear();
        stored.set_connector(connector.forget_authorisation(&stored.connector()));
        let settings = stored.to_json();
        diesel::update(connections::table.filter(connections::id.eq(id)))
            .set((
                connections::credentials.eq(None::<Vec<u8>>),
                connections::status.eq(ConnectionStatus::Disconnected),
                connections::settings.eq(&settings),
                connections::oauth_state_hash.eq(None::<String>),
                connections::oauth_verifier.eq(None::<Vec<u8>>),
                connections::updated_at.eq(diesel::dsl::now),
            ))
            .execute(conn)
            .await?;
        Schedule::remove(&SyncConnection::schedule_name(id), conn).await?;
        NewAuditEntry::by(ctx, action::DISCONNECTED)
            .target("connection", id)
            .details(json!({"revoked": warning.is_none()}))
            .record(conn)
            .await?;
        Ok(())
    })
    .await?;
    Ok(warning)
}
