//! Mapped fields the org does not show. A field missing from the org, or hidden from the API
//! user by field-level security (common), fails a whole query with `INVALID_FIELD`. Each run
//! reads the objects' describe first and leaves such fields out of its queries and pushes;
//! each is reported once per run and kept on the object for the mapping page. The rest syncs.

use super::run::{Failure, ObjectPlan, Sync};
use crate::store::{record_errors, ConnectionRow, NewSyncError};
use connector_api::Session;
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use platform::db::schema::connection_objects;
use std::collections::HashSet;

/// The mapped remote fields `describe` does not list (case as mapped, each once). A path
/// through a relationship (`Account.Name`) is not a field of the object: left to the query.
pub(super) fn unseen(mapped: &[String], described: &HashSet<String>) -> Vec<String> {
    let mut out: Vec<String> = mapped
        .iter()
        .filter(|f| !f.contains('.') && !described.contains(&f.to_ascii_lowercase()))
        .cloned()
        .collect();
    out.sort();
    out.dedup();
    out
}

impl Sync<'_> {
    /// Drops from each plan the mappings of fields the org does not show, reports them and
    /// keeps their names on the object (an empty list once they are all seen again).
    pub(super) async fn drop_unseen_fields(
        &mut self,
        connection: &ConnectionRow,
        session: &mut dyn Session,
        plans: &mut [ObjectPlan],
    ) -> Result<(), Failure> {
        for plan in plans.iter_mut() {
            let remote = plan.row.remote_object.clone();
            let described: HashSet<String> = session
                .describe(&remote)
                .await?
                .into_iter()
                .map(|f| f.name.to_ascii_lowercase())
                .collect();
            let mapped: Vec<String> = plan.mappings.iter().map(|m| m.remote.clone()).collect();
            let missing = unseen(&mapped, &described);
            plan.mappings.retain(|m| !missing.contains(&m.remote));
            let errors: Vec<NewSyncError> = missing
                .iter()
                .map(|field| NewSyncError {
                    tenant_id: self.tenant,
                    run_id: self.run,
                    object: plan.row.object.as_str().into(),
                    external_id: String::new(),
                    direction: "pull",
                    message: format!(
                        "{remote}.{field} is not in the org or not visible to the connected \
                         user (field-level security): left out of this run; the other fields \
                         synced"
                    ),
                })
                .collect();
            let stored: Vec<Option<String>> = missing.iter().cloned().map(Some).collect();
            if stored == plan.row.unseen_fields && errors.is_empty() {
                continue;
            }
            let object = plan.row.object;
            self.job
                .db
                .tenant_tx(self.tenant, async |conn| {
                    record_errors(conn, &errors).await?;
                    diesel::update(
                        connection_objects::table
                            .filter(connection_objects::connection_id.eq(connection.id))
                            .filter(connection_objects::object.eq(object)),
                    )
                    .set(connection_objects::unseen_fields.eq(&stored))
                    .execute(conn)
                    .await?;
                    Ok(())
                })
                .await?;
            plan.row.unseen_fields = stored;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_the_describe_lacks_are_unseen() {
        let described: HashSet<String> = ["id", "lastname", "industry"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let mapped: Vec<String> = ["LastName", "Industry", "Rating", "Rating", "Account.Name"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        assert_eq!(unseen(&mapped, &described), ["Rating"]);
        assert!(unseen(&mapped[..2], &described).is_empty());
    }
}
