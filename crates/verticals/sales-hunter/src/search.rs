//! Global search (Ctrl/⌘-K and the plain search page) across leads, contacts, accounts and
//! opportunities, each through its trigram-indexed `search_text`.

use crate::text_search::{few_matches, like_pattern, Searchable};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use models::sales::search::{HitKind, SearchHit, MIN_SEARCH};
use models::{AccountId, AppError, ContactId, LeadId, OpportunityId};
use platform::db::schema::{accounts, contacts, leads, opportunities};
use platform::db::Db;
use platform::{Error, RequestContext};

/// Hits per kind.
pub const PER_KIND: i64 = 5;
/// A search matching fewer rows of a kind than this filters by their ids (see `text_search`).
const FEW: i32 = 500;

pub async fn search_records(
    db: &Db,
    ctx: &RequestContext,
    q: &str,
) -> Result<Vec<SearchHit>, Error> {
    let q = q.trim();
    if q.chars().count() < MIN_SEARCH {
        return Ok(Vec::new());
    }
    if q.chars().count() > 100 {
        return Err(AppError::validation("q", "must be at most 100 characters").into());
    }
    let p = like_pattern(&q.to_lowercase());
    db.tenant_tx(ctx.tenant_id, async |conn| {
        platform::db::plan_for_values(conn).await?;
        let mut hits = Vec::new();
        let q = leads::table
            .order((leads::created_at.desc(), leads::id))
            .select((leads::id, leads::full_name, leads::company, leads::email))
            .limit(PER_KIND)
            .into_boxed();
        let rows: Vec<(LeadId, String, String, String)> =
            match few_matches(conn, Searchable::Leads, &p, FEW).await? {
                Some(ids) => q.filter(leads::id.eq_any(ids)),
                None => q.filter(leads::search_text.like(p.clone())),
            }
            .load(conn)
            .await?;
        hits.extend(rows.into_iter().map(|(id, name, company, email)| {
            SearchHit {
                kind: HitKind::Lead,
                title: name,
                detail: [company, email]
                    .into_iter()
                    .filter(|s| !s.is_empty())
                    .collect::<Vec<_>>()
                    .join(" · "),
                href: format!("/leads/{id}"),
            }
        }));
        let q = contacts::table
            .order((contacts::created_at.desc(), contacts::id))
            .select((
                contacts::id,
                contacts::first_name,
                contacts::last_name,
                contacts::email,
                contacts::account_id,
            ))
            .limit(PER_KIND)
            .into_boxed();
        let rows: Vec<(ContactId, String, String, String, Option<AccountId>)> =
            match few_matches(conn, Searchable::Contacts, &p, FEW).await? {
                Some(ids) => q.filter(contacts::id.eq_any(ids)),
                None => q.filter(contacts::search_text.like(p.clone())),
            }
            .load(conn)
            .await?;
        hits.extend(
            rows.into_iter()
                .map(|(id, first, last, email, _)| SearchHit {
                    kind: HitKind::Contact,
                    title: format!("{first} {last}").trim().to_string(),
                    href: format!("/contacts/{id}"),
                    detail: email,
                }),
        );
        let q = accounts::table
            .order((accounts::name, accounts::id))
            .select((accounts::id, accounts::name, accounts::domain))
            .limit(PER_KIND)
            .into_boxed();
        let rows: Vec<(AccountId, String, String)> =
            match few_matches(conn, Searchable::Accounts, &p, FEW).await? {
                Some(ids) => q.filter(accounts::id.eq_any(ids)),
                None => q.filter(accounts::search_text.like(p.clone())),
            }
            .load(conn)
            .await?;
        hits.extend(rows.into_iter().map(|(id, name, domain)| SearchHit {
            kind: HitKind::Account,
            href: format!("/accounts/{id}"),
            title: name,
            detail: domain,
        }));
        let q = opportunities::table
            .order((opportunities::close_date.desc(), opportunities::id))
            .select((
                opportunities::id,
                opportunities::name,
                opportunities::amount_minor,
                opportunities::currency,
            ))
            .limit(PER_KIND)
            .into_boxed();
        let rows: Vec<(OpportunityId, String, i64, String)> =
            match few_matches(conn, Searchable::Opportunities, &p, FEW).await? {
                Some(ids) => q.filter(opportunities::id.eq_any(ids)),
                None => q.filter(opportunities::search_text.like(p.clone())),
            }
            .load(conn)
            .await?;
        hits.extend(
            rows.into_iter()
                .map(|(id, name, amount, currency)| SearchHit {
                    kind: HitKind::Opportunity,
                    title: name,
                    detail: models::sales::format_money(amount, &currency, true),
                    href: format!("/opportunities/{id}"),
                }),
        );
        Ok(hits)
    })
    .await
}
