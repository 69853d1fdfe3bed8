//! The records an agent's bulk run covers, in id order from a cursor: open leads (at or
//! above a score), open deals, or the whole pipeline (one run). Each agent names its
//! scopes and maps them here.

use agents::{BoxFuture, BulkRecords};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use models::agents::automation::BulkScope;
use models::agents::run::{RunSubject, SubjectKind};
use platform::db::schema::{leads, opportunities};
use platform::db::Conn;
use platform::Error;
use uuid::Uuid;

/// Leads still being worked: not converted, not disqualified.
const CLOSED_LEAD: [&str; 2] = ["converted", "disqualified"];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Records {
    OpenLeads { min_score: i16 },
    OpenDeals,
    Pipeline,
}

pub fn scope(key: &str, label: impl Into<String>) -> BulkScope {
    BulkScope {
        key: key.to_string(),
        label: label.into(),
    }
}

/// An agent's scopes: (key, label, records).
pub type Scopes = [(&'static str, &'static str, Records)];

/// `Agent::bulk_scopes` for a table of scopes.
pub fn listed(scopes: &Scopes) -> Vec<BulkScope> {
    scopes.iter().map(|(k, l, _)| scope(k, *l)).collect()
}

/// `Agent::bulk_records` for a table of scopes: the records of the one named `key`.
pub fn find(scopes: &Scopes, key: &str) -> Result<Box<dyn BulkRecords>, Error> {
    scopes
        .iter()
        .find(|(k, _, _)| *k == key)
        .map(|s| Box::new(s.2) as Box<dyn BulkRecords>)
        .ok_or_else(unknown_scope)
}

pub fn unknown_scope() -> Error {
    models::AppError::validation("scope", "Choose which records to run on.").into()
}

impl BulkRecords for Records {
    fn next<'a>(
        &'a self,
        conn: &'a mut Conn,
        after: Option<Uuid>,
        limit: i64,
    ) -> BoxFuture<'a, Result<Vec<RunSubject>, Error>> {
        Box::pin(self.page(conn, after, limit))
    }

    fn count<'a>(&'a self, conn: &'a mut Conn) -> BoxFuture<'a, Result<i64, Error>> {
        Box::pin(self.total(conn))
    }
}

impl Records {
    async fn page(
        self,
        conn: &mut Conn,
        after: Option<Uuid>,
        limit: i64,
    ) -> Result<Vec<RunSubject>, Error> {
        let start = after.unwrap_or(Uuid::nil());
        let (kind, ids): (SubjectKind, Vec<Uuid>) = match self {
            Records::OpenLeads { min_score } => (
                SubjectKind::Lead,
                leads::table
                    .filter(leads::status.ne_all(CLOSED_LEAD))
                    .filter(leads::score.ge(min_score))
                    .filter(leads::id.gt(start))
                    .order(leads::id)
                    .limit(limit)
                    .select(leads::id)
                    .load(conn)
                    .await?,
            ),
            Records::OpenDeals => (
                SubjectKind::Opportunity,
                opportunities::table
                    .filter(opportunities::closed_at.is_null())
                    .filter(opportunities::id.gt(start))
                    .order(opportunities::id)
                    .limit(limit)
                    .select(opportunities::id)
                    .load(conn)
                    .await?,
            ),
            Records::Pipeline => {
                return Ok(vec![RunSubject {
                    kind: SubjectKind::Tenant,
                    id: None,
                }])
            }
        };
        Ok(ids
            .into_iter()
            .map(|id| RunSubject { kind, id: Some(id) })
            .collect())
    }

    async fn total(self, conn: &mut Conn) -> Result<i64, Error> {
        Ok(match self {
            Records::OpenLeads { min_score } => {
                leads::table
                    .filter(leads::status.ne_all(CLOSED_LEAD))
                    .filter(leads::score.ge(min_score))
                    .count()
                    .get_result(conn)
                    .await?
            }
            Records::OpenDeals => {
                opportunities::table
                    .filter(opportunities::closed_at.is_null())
                    .count()
                    .get_result(conn)
                    .await?
            }
            Records::Pipeline => 1,
        })
    }
}

/// The most recently changed records of a kind, with their names: what a prompt can be
/// previewed against.
pub async fn recent(
    conn: &mut Conn,
    kind: SubjectKind,
    limit: i64,
) -> Result<Vec<(RunSubject, String)>, Error> {
    let rows: Vec<(Uuid, String)> = match kind {
        SubjectKind::Lead => {
            leads::table
                .order(leads::updated_at.desc())
                .limit(limit)
                .select((leads::id, leads::full_name))
                .load(conn)
                .await?
        }
        SubjectKind::Opportunity => {
            opportunities::table
                .order(opportunities::updated_at.desc())
                .limit(limit)
                .select((opportunities::id, opportunities::name))
                .load(conn)
                .await?
        }
        SubjectKind::Tenant => Vec::new(),
    };
    Ok(rows
        .into_iter()
        .map(|(id, name)| (RunSubject { kind, id: Some(id) }, name))
        .collect())
}
