//! Typed ids: a `TenantId` cannot be passed where a `UserId` is meant.

use serde::{Deserialize, Serialize};
use std::fmt;
use uuid::Uuid;

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[cfg_attr(feature = "diesel", derive(diesel::AsExpression, diesel::FromSqlRow))]
        #[cfg_attr(feature = "diesel", diesel(sql_type = diesel::sql_types::Uuid))]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(value_type = String, format = Uuid))]
        #[serde(transparent)]
        pub struct $name(pub Uuid);

        #[cfg(feature = "diesel")]
        impl diesel::serialize::ToSql<diesel::sql_types::Uuid, diesel::pg::Pg> for $name {
            fn to_sql<'b>(
                &'b self,
                out: &mut diesel::serialize::Output<'b, '_, diesel::pg::Pg>,
            ) -> diesel::serialize::Result {
                <Uuid as diesel::serialize::ToSql<diesel::sql_types::Uuid, diesel::pg::Pg>>::to_sql(&self.0, out)
            }
        }

        #[cfg(feature = "diesel")]
        impl diesel::deserialize::FromSql<diesel::sql_types::Uuid, diesel::pg::Pg> for $name {
            fn from_sql(bytes: diesel::pg::PgValue<'_>) -> diesel::deserialize::Result<Self> {
                <Uuid as diesel::deserialize::FromSql<diesel::sql_types::Uuid, diesel::pg::Pg>>::from_sql(bytes).map(Self)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }

        impl std::str::FromStr for $name {
            type Err = uuid::Error;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Uuid::parse_str(s).map(Self)
            }
        }
    };
}

id_type!(
    /// A tenant: one customer organisation, the unit of isolation.
    TenantId
);
id_type!(
    /// A person who can sign in; may belong to several tenants.
    UserId
);
id_type!(
    /// A pending invitation to join a tenant.
    InvitationId
);
id_type!(
    /// A lead: a person not yet qualified into a contact.
    LeadId
);
id_type!(
    /// A company the tenant sells to.
    AccountId
);
id_type!(
    /// A person at an account.
    ContactId
);
id_type!(
    /// A deal in the pipeline.
    OpportunityId
);
id_type!(
    /// A stage of a tenant's pipeline.
    StageId
);
id_type!(
    /// A logged call, e-mail, meeting or note.
    ActivityId
);
id_type!(
    /// A to-do with a due date.
    TaskId
);
id_type!(
    /// A named, saved view of a list.
    SavedViewId
);
id_type!(
    /// An upload of leads from a CSV file, with its mapping and progress.
    LeadImportId
);
id_type!(
    /// A tenant's connection to an outside system (a Salesforce org).
    ConnectionId
);
id_type!(
    /// One run of a connection's sync.
    SyncRunId
);
id_type!(
    /// One run of an agent, in the run ledger.
    AgentRunId
);
