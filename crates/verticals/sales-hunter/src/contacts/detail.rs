//! One contact with their account, deals, timeline and tasks.

use super::{account_names, load_contact};
use crate::activities::{tasks_about, timeline};
use crate::opportunities::{deal_lines, DealsOf};
use models::sales::activity::Subject;
use models::sales::contact::ContactDetail;
use models::sales::custom_field::CustomObject;
use models::ContactId;
use platform::db::Db;
use platform::members::member_names;
use platform::{Error, RequestContext};

pub async fn get_contact(
    db: &Db,
    ctx: &RequestContext,
    id: ContactId,
) -> Result<ContactDetail, Error> {
    db.tenant_tx(ctx.tenant_id, async |conn| {
        let names = member_names(conn).await?;
        let record = load_contact(conn, id, false).await?;
        let account = account_names(conn, record.account_id)
            .await?
            .into_values()
            .next();
        let contact = record.into_contact(&names, account);
        let deals = deal_lines(conn, ctx.tenant_id, DealsOf::Contact(id)).await?;
        let activities = timeline(conn, Subject::Contact(id)).await?;
        let tasks = tasks_about(conn, Subject::Contact(id)).await?;
        let custom_fields = crate::custom_fields::definitions(conn, CustomObject::Contact).await?;
        Ok(ContactDetail {
            contact,
            deals,
            activities,
            tasks,
            custom_fields,
        })
    })
    .await
}
