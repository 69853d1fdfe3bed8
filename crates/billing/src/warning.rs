//! The mail owners get when a capped meter passes 80 % of its limit in a period (once per
//! meter and period: `usage_counters.warned_at` says it went). The billing page shows the
//! same state in place.

use crate::subscription::SubscriptionRow;
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use models::billing::Meter;
use models::sales::group_thousands;
use models::Role;
use platform::db::schema::{memberships, tenants, users};
use platform::db::Conn;
use platform::mail::NewEmail;
use platform::Error;

pub(crate) async fn warn_owners(
    conn: &mut Conn,
    sub: &SubscriptionRow,
    meter: Meter,
    used: i64,
    cap: i64,
) -> Result<(), Error> {
    let organisation: String = tenants::table
        .find(sub.tenant_id)
        .select(tenants::name)
        .first(conn)
        .await?;
    let owners: Vec<String> = memberships::table
        .inner_join(users::table)
        .filter(memberships::tenant_id.eq(sub.tenant_id))
        .filter(memberships::role.eq(Role::Owner))
        .select(users::email)
        .load(conn)
        .await?;
    let percent = used * 100 / cap.max(1);
    let subject = format!(
        "{organisation}: {percent} % of this period's {} used",
        meter.label().to_lowercase()
    );
    let body = format!(
        "{organisation} has used {} of its {} {} for the billing period ending {}.\n\n\
         At the limit, work that needs more is refused until the next period. An owner can \
         move to a larger plan on the Billing page, or ask a platform admin for a one-off \
         allowance.\n",
        group_thousands(used.unsigned_abs()),
        group_thousands(cap.unsigned_abs()),
        meter.label().to_lowercase(),
        sub.period_end.format("%B %-d, %Y"),
    );
    for owner in owners {
        NewEmail::new(&owner, subject.clone(), body.clone())
            .tenant(sub.tenant_id)
            .enqueue(conn)
            .await?;
    }
    Ok(())
}
