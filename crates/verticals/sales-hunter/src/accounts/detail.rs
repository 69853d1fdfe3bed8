//! One account with its contacts, deals, timeline and tasks. The timeline rolls up what was
//! logged about the account, its contacts and its deals, as a rep reads a company's story.

use super::load_account;
use crate::activities::{account_timeline, tasks_about};
use crate::contacts::contact_rows;
use crate::opportunities::{deal_lines, DealsOf};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use models::sales::account::AccountDetail;
use models::sales::activity::Subject;
use models::sales::custom_field::CustomObject;
use models::AccountId;
use platform::db::schema::contacts;
use platform::db::Db;
use platform::members::member_names;
use platform::{Error, RequestContext};

/// Contacts shown on the account page; the rest are a link to the contacts table.
const CONTACTS_SHOWN: i64 = 50;

pub async fn get_account(
    db: &Db,
    ctx: &RequestContext,
    id: AccountId,
) -> Result<AccountDetail, Error> {
    db.tenant_tx(ctx.tenant_id, async |conn| {
        let names = member_names(conn).await?;
        let account = load_account(conn, id, false).await?.into_account(&names);
        let contact_count: i64 = contacts::table
            .filter(contacts::account_id.eq(id))
            .count()
            .get_result(conn)
            .await?;
        let shown = contacts::table
            .filter(contacts::account_id.eq(id))
            .order((contacts::full_name, contacts::id))
            .limit(CONTACTS_SHOWN)
            .select(contacts::id)
            .load(conn)
            .await?;
        let contacts = contact_rows(conn, shown, &names).await?;
        let deals = deal_lines(conn, ctx.tenant_id, DealsOf::Account(id)).await?;
        let activities = account_timeline(conn, id).await?;
        let tasks = tasks_about(conn, Subject::Account(id)).await?;
        let custom_fields = crate::custom_fields::definitions(conn, CustomObject::Account).await?;
        let (currency, _) = crate::settings::currency_and_quota(conn).await?;
        Ok(AccountDetail {
            account,
            currency,
            contacts,
            contact_count,
            deals,
            activities,
            tasks,
            custom_fields,
        })
    })
    .await
}
