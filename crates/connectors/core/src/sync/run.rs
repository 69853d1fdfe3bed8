//! One run: the objects in order, each pulled, its deletions read, its changes pushed; and
//! how the run ends.

use super::apply::PageContext;
use super::check::{check_due, mark_checked};
use super::owners::{self, Owners};
use super::retry;
use super::ConnectorHub;
use crate::store::{
    load_connection, load_objects, record_errors, ConnectionRow, NewSyncError, ObjectRow,
    StoredSettings,
};
use crate::target::SyncTarget;
use chrono::Utc;
use connector_api::{ApiUsage, RemoteError};
use connector_api::{Credentials, Session};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use models::connectors::{
    ConnectionStatus, FieldMapping, LocalField, LocalFieldKind, SyncCounts, SyncObject,
};
use models::{ConnectionId, SyncRunId, TenantId};
use platform::db::schema::sync_runs;
use platform::jobs::JobContext;
use platform::Error;
use serde_json::Value;
use std::collections::HashMap;
use std::sync::Arc;

/// How a run ended, with its session (for the usage and refreshed credentials to keep).
pub(super) type RunOutcome =
    Result<(Ending, Option<Box<dyn Session>>), (Failure, Option<Box<dyn Session>>)>;

/// How a run ended.
pub(super) enum Ending {
    Done,
    /// The API allowance share is used: resume on the next run.
    Paused,
}

/// One running sync.
pub(super) struct Sync<'a> {
    pub(super) hub: &'a ConnectorHub,
    pub(super) job: &'a JobContext,
    pub(super) tenant: TenantId,
    pub(super) run: SyncRunId,
    pub(super) counts: HashMap<SyncObject, SyncCounts>,
    /// Remote calls of this run, over all attempts.
    pub(super) api_calls: i32,
    /// The refreshed credentials last sealed and saved.
    pub(super) sealed: Option<Value>,
}

/// The session as a commit records it.
pub(super) struct SessionState {
    pub(super) usage: ApiUsage,
    pub(super) calls: i32,
    /// Refreshed credentials, sealed, to save.
    pub(super) refreshed: Option<Vec<u8>>,
}

/// The run's failure: remote (sorted by what to do) or local.
pub(super) enum Failure {
    Remote(RemoteError),
    Local(Error),
}

impl From<Error> for Failure {
    fn from(e: Error) -> Self {
        Failure::Local(e)
    }
}

impl From<RemoteError> for Failure {
    fn from(e: RemoteError) -> Self {
        Failure::Remote(e)
    }
}

/// What a run syncs of one object.
pub(super) struct ObjectPlan {
    pub(super) row: ObjectRow,
    pub(super) mappings: Vec<FieldMapping>,
    pub(super) fields: Vec<LocalField>,
    pub(super) target: Arc<dyn SyncTarget>,
    /// Owners across the systems (empty unless an owner field is mapped).
    pub(super) owners: Arc<Owners>,
}

impl ObjectPlan {
    /// Whether a mapping fills an owner field.
    fn maps_owners(&self) -> bool {
        self.mappings.iter().any(|m| self.is_owner(&m.local))
    }

    pub(super) fn is_owner(&self, key: &str) -> bool {
        self.fields
            .iter()
            .any(|f| f.key == key && f.kind == LocalFieldKind::User)
    }
}

impl<'a> Sync<'a> {
    pub(super) async fn run(&mut self, id: ConnectionId) -> RunOutcome {
        let setup = self
            .job
            .db
            .tenant_tx(self.tenant, async |conn| {
                let connection = load_connection(conn, id).await?;
                let objects = load_objects(conn, id).await?;
                let mut plans = Vec::new();
                for row in objects.into_iter().filter(|o| o.enabled) {
                    let Some(target) = self.hub.registry.target_for(row.object) else {
                        continue;
                    };
                    let row = retry::start_over(conn, row).await?;
                    let fields = target.fields(conn).await?;
                    let mappings = row.mappings()?;
                    plans.push(ObjectPlan {
                        row,
                        mappings,
                        fields,
                        target,
                        owners: Arc::default(),
                    });
                }
                Ok((connection, plans))
            })
            .await;
        let (connection, mut plans) = setup.map_err(|e| (Failure::Local(e), None))?;
        // Not connected (any more): the run ends without touching the connection's status
        // (its settings may have just moved to another org).
        if connection.status != ConnectionStatus::Connected {
            return Err((
                Failure::Remote(RemoteError::Refused(
                    "the connection is not authorised; connect it first".into(),
                )),
                None,
            ));
        }
        let stored = connection.stored().map_err(|e| (Failure::Local(e), None))?;
        let mut session = self.open(&connection, &stored).map_err(|e| (e, None))?;
        let budget = stored.api_budget_percent;
        if let Err(f) = self
            .drop_unseen_fields(&connection, session.as_mut(), &mut plans)
            .await
        {
            return Err((f, Some(session)));
        }
        if let Err(f) = self.match_owners(session.as_mut(), &mut plans).await {
            return Err((f, Some(session)));
        }
        for plan in &plans {
            match self
                .sync_object(&connection, session.as_mut(), plan, budget)
                .await
            {
                Ok(Ending::Done) => {}
                Ok(Ending::Paused) => return Ok((Ending::Paused, Some(session))),
                Err(f) => return Err((f, Some(session))),
            }
        }
        Ok((Ending::Done, Some(session)))
    }

    /// Reads the remote users when an owner field is mapped, and matches them with the
    /// members here. If the remote side refuses to list them, this run leaves owners alone
    /// (rather than emptying them) and says so in its errors.
    async fn match_owners(
        &mut self,
        session: &mut dyn Session,
        plans: &mut [ObjectPlan],
    ) -> Result<(), Failure> {
        if !plans.iter().any(ObjectPlan::maps_owners) {
            return Ok(());
        }
        let remote = match session.users().await {
            Ok(users) => Some(users),
            Err(RemoteError::Refused(why) | RemoteError::Malformed(why)) => {
                let error = NewSyncError {
                    tenant_id: self.tenant,
                    run_id: self.run,
                    object: "user".into(),
                    external_id: String::new(),
                    direction: "pull",
                    message: format!(
                        "owners left as they are: the users could not be read ({why})"
                    ),
                };
                self.job
                    .db
                    .tenant_tx(self.tenant, async |conn| {
                        record_errors(conn, &[error]).await
                    })
                    .await?;
                None
            }
            Err(e) => return Err(e.into()),
        };
        let Some(remote) = remote else {
            for plan in plans.iter_mut() {
                let owner_keys: Vec<String> = plan
                    .mappings
                    .iter()
                    .filter(|m| plan.is_owner(&m.local))
                    .map(|m| m.local.clone())
                    .collect();
                plan.mappings.retain(|m| !owner_keys.contains(&m.local));
            }
            return Ok(());
        };
        let members = self
            .job
            .db
            .tenant_tx(self.tenant, async |conn| owners::members(conn).await)
            .await?;
        let owners = Arc::new(Owners::matched(&remote, &members));
        for plan in plans.iter_mut() {
            plan.owners = owners.clone();
        }
        Ok(())
    }

    fn open(
        &self,
        connection: &ConnectionRow,
        stored: &StoredSettings,
    ) -> Result<Box<dyn Session>, Failure> {
        let key = self.hub.key()?;
        let connector = self.hub.connector(&connection.kind)?;
        let sealed = connection.credentials.as_deref().ok_or_else(|| {
            Failure::Remote(RemoteError::Auth("no credentials are stored".into()))
        })?;
        let secrets = key.open_json(sealed, &connection.seal_context())?;
        Ok(connector.open(Credentials {
            settings: stored.connector(),
            secrets,
        })?)
    }

    async fn sync_object(
        &mut self,
        connection: &ConnectionRow,
        session: &mut dyn Session,
        plan: &ObjectPlan,
        budget: u8,
    ) -> Result<Ending, Failure> {
        let object = plan.row.object;
        self.job
            .db
            .tenant_tx(self.tenant, async |conn| {
                diesel::update(sync_runs::table.filter(sync_runs::id.eq(self.run)))
                    .set(sync_runs::object.eq(object.as_str()))
                    .execute(conn)
                    .await?;
                Ok(())
            })
            .await?;
        let fields: Vec<String> = plan
            .mappings
            .iter()
            .filter(|m| m.direction.pulls())
            .map(|m| m.remote.clone())
            .collect();

        let now = Utc::now();
        let full = plan.row.cursor_at.is_none();
        // Changes, then the records that failed before, then deletions.
        let failed_before = self.waiting_ids(connection, object).await?;
        if let Ending::Paused = self
            .pull_all(connection, session, plan, &fields, budget, false)
            .await?
        {
            return Ok(Ending::Paused);
        }
        if let Ending::Paused = self
            .retry_failed(connection, session, plan, &fields, budget, failed_before)
            .await?
        {
            return Ok(Ending::Paused);
        }
        if let Ending::Paused = self
            .pull_all(connection, session, plan, &fields, budget, true)
            .await?
        {
            return Ok(Ending::Paused);
        }
        // Deletions the remote side no longer reports: a full pull has just seen everything.
        if full {
            self.job
                .db
                .tenant_tx(self.tenant, async |conn| {
                    mark_checked(conn, connection.id, object, now).await
                })
                .await?;
        } else if check_due(plan, now) {
            if let Ending::Paused = self.check_object(connection, session, plan, budget).await? {
                return Ok(Ending::Paused);
            }
        }

        // Local changes out.
        if plan.mappings.iter().any(|m| m.direction.pushes()) {
            return self.push_object(connection, session, plan, budget).await;
        }
        Ok(Ending::Done)
    }

    /// The run's API calls: those of earlier attempts plus this session's.
    pub(super) fn calls(&self, session: &dyn Session) -> i32 {
        self.api_calls + session.usage().calls
    }

    /// What a commit keeps of the session: its usage, and credentials refreshed since they
    /// were last sealed (sealed once per refresh, not on every page).
    pub(super) fn session_state(
        &mut self,
        connection: &ConnectionRow,
        session: &dyn Session,
    ) -> Result<SessionState, Failure> {
        let refreshed = match session.refreshed_secrets() {
            Some(secrets) if self.sealed.as_ref() != Some(&secrets) => {
                let sealed = self
                    .hub
                    .key()?
                    .seal_json(&secrets, &connection.seal_context())?;
                self.sealed = Some(secrets);
                Some(sealed)
            }
            _ => None,
        };
        Ok(SessionState {
            usage: session.usage(),
            calls: self.calls(session),
            refreshed,
        })
    }

    /// What this run's pages of `plan` are applied with.
    pub(super) fn page_context<'p>(
        &self,
        connection: &'p ConnectionRow,
        plan: &'p ObjectPlan,
    ) -> PageContext<'p> {
        PageContext {
            tenant: self.tenant,
            connection: connection.id,
            source: &connection.kind,
            run: self.run,
            job_id: self.job.id,
            plan,
        }
    }
}
