//! Tenants (organisations), and which of them a user belongs to.

use crate::db::schema::{memberships, tenants};
use crate::db::Conn;
use crate::error::Error;
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use models::session::TenantChoice;
use models::{Role, TenantId, UserId};

#[derive(Insertable)]
#[diesel(table_name = tenants, check_for_backend(diesel::pg::Pg))]
pub struct NewTenant<'a> {
    pub id: TenantId,
    pub name: &'a str,
}

impl NewTenant<'_> {
    pub async fn insert(self, conn: &mut Conn) -> Result<(), Error> {
        diesel::insert_into(tenants::table)
            .values(self)
            .execute(conn)
            .await?;
        Ok(())
    }
}

/// A membership with its tenant's name.
#[derive(Queryable, Selectable)]
#[diesel(check_for_backend(diesel::pg::Pg))]
struct MembershipRow {
    #[diesel(select_expression = tenants::id)]
    tenant_id: TenantId,
    #[diesel(select_expression = tenants::name)]
    name: String,
    #[diesel(select_expression = memberships::role)]
    role: Role,
}

/// Every organisation `user` can work in (suspended ones are left out), by name. Needs the
/// platform role: it looks across tenants, filtered to one user.
pub async fn tenants_of(conn: &mut Conn, user: UserId) -> Result<Vec<TenantChoice>, Error> {
    Ok(memberships::table
        .inner_join(tenants::table)
        .filter(tenants::suspended_at.is_null())
        .filter(memberships::user_id.eq(user))
        .order((tenants::name.asc(), tenants::id.asc()))
        .select(MembershipRow::as_select())
        .load::<MembershipRow>(conn)
        .await?
        .into_iter()
        .map(|r| TenantChoice {
            tenant_id: r.tenant_id,
            name: r.name,
            role: r.role,
        })
        .collect())
}
