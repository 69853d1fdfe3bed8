//! Global search (Ctrl/⌘-K and the plain search page) across leads, contacts, accounts and
//! opportunities, each through its trigram-indexed `search_text`.

use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use models::sales::lead_query::encode;
use models::sales::search::{HitKind, SearchHit, MIN_SEARCH};
use models::{AccountId, AppError, ContactId, LeadId, OpportunityId};
use platform::db::schema::{accounts, contacts, leads, opportunities};
use platform::db::Db;
use platform::{Error, RequestContext};

/// Hits per kind.
pub const PER_KIND: i64 = 5;

fn pattern(q: &str) -> String {
    let escaped = q
        .trim()
        .to_lowercase()
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    format!("%{escaped}%")
}

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
    let p = pattern(q);
    db.tenant_tx(ctx.tenant_id, async |conn| {
        platform::db::plan_for_values(conn).await?;
        let mut hits = Vec::new();
        let rows: Vec<(LeadId, String, String, String)> = leads::table
            .filter(leads::search_text.like(&p))
            .order((leads::created_at.desc(), leads::id))
            .select((leads::id, leads::full_name, leads::company, leads::email))
            .limit(PER_KIND)
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
        let rows: Vec<(ContactId, String, String, String, Option<AccountId>)> = contacts::table
            .filter(contacts::search_text.like(&p))
            .order((contacts::created_at.desc(), contacts::id))
            .select((
                contacts::id,
                contacts::first_name,
                contacts::last_name,
                contacts::email,
                contacts::account_id,
            ))
            .limit(PER_KIND)
            .load(conn)
            .await?;
        hits.extend(
            rows.into_iter()
                .map(|(_, first, last, email, _)| SearchHit {
                    kind: HitKind::Contact,
                    title: format!("{first} {last}").trim().to_string(),
                    // Contacts have no page of their own yet; their converted lead shares the address.
                    href: format!(
                        "/leads?q={}",
                        encode(if email.is_empty() { &last } else { &email })
                    ),
                    detail: email,
                }),
        );
        let rows: Vec<(AccountId, String, String)> = accounts::table
            .filter(accounts::search_text.like(&p))
            .order((accounts::name, accounts::id))
            .select((accounts::id, accounts::name, accounts::domain))
            .limit(PER_KIND)
            .load(conn)
            .await?;
        hits.extend(rows.into_iter().map(|(_, name, domain)| SearchHit {
            kind: HitKind::Account,
            href: format!("/leads?q={}", encode(&name)),
            title: name,
            detail: domain,
        }));
        let rows: Vec<(OpportunityId, String, i64, String)> = opportunities::table
            .filter(opportunities::search_text.like(&p))
            .order((opportunities::close_date.desc(), opportunities::id))
            .select((
                opportunities::id,
                opportunities::name,
                opportunities::amount_minor,
                opportunities::currency,
            ))
            .limit(PER_KIND)
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
