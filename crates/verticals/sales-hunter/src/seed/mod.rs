//! Sales data for a tenant: a believable small demo (`server seed`, run by the run command;
//! `demo.rs`) and, for benchmarks, a large tenant generated in big batches
//! (`server seed --leads N`; `volume.rs`). Deterministic: the same seed gives the same data.
//! Here: the generators both use, a lead and a deal with its history.

mod demo;
mod names;
mod volume;

pub use demo::seed_demo_sales;
pub use volume::{seed_volume, Created};

use crate::leads::{clean_lead, NewLead};
use crate::opportunities::{NewOpportunity, NewStageChange};
use chrono::{DateTime, Duration, Utc};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use models::sales::lead::LeadInput;
use models::sales::stage::{Stage, StageKind};
use models::{AccountId, LeadId, OpportunityId, TenantId, UserId};
use names::*;
use platform::db::schema::memberships;
use platform::db::Conn;
use platform::Error;
use rand::rngs::StdRng;
use rand::Rng;
use uuid::Uuid;

pub(super) fn pick<T: Copy>(rng: &mut StdRng, items: &[T]) -> T {
    items[rng.gen_range(0..items.len())]
}

pub(super) fn pick_ref<'a, T>(rng: &mut StdRng, items: &'a [T]) -> &'a T {
    &items[rng.gen_range(0..items.len())]
}

/// A generated lead, `i` making its e-mail unique.
pub(super) fn lead(
    rng: &mut StdRng,
    tenant: TenantId,
    i: usize,
    owners: &[UserId],
    now: DateTime<Utc>,
    days: i64,
) -> Result<NewLead, Error> {
    let first = pick(rng, &FIRST);
    let last = pick(rng, &LAST);
    let company = pick(rng, &COMPANIES);
    let input = LeadInput {
        first_name: first.into(),
        last_name: last.into(),
        email: format!(
            "{}.{}{i}@{}",
            first.to_lowercase(),
            last.to_lowercase(),
            domain_of(company)
        ),
        phone: if rng.gen_bool(0.6) {
            format!("+1 555 {:04}", rng.gen_range(0..10_000))
        } else {
            String::new()
        },
        title: pick(rng, &TITLES).into(),
        company: company.into(),
        domain: String::new(),
        industry: pick(rng, &INDUSTRIES).into(),
        employee_count: [10, 45, 120, 350, 1200, 8000][rng.gen_range(0..6)].to_string(),
        country: pick(rng, &COUNTRIES).into(),
        source: pick(rng, &SOURCES).into(),
        status: pick(rng, &STATUSES).as_str().into(),
        owner_id: String::new(),
        custom: Default::default(),
    };
    let owner = if rng.gen_bool(0.9) {
        Some(pick(rng, owners))
    } else {
        None
    };
    let fields = clean_lead(&input, serde_json::json!({}), owner)?;
    // Scored as they are inserted, by the default profile (no activity yet): seeding a
    // million leads should not take a second pass.
    let scored = crate::prospector::core::score_lead(
        &crate::prospector::default_config(),
        &crate::prospector::core::LeadFacts {
            title: fields.title.clone(),
            company: fields.company.clone(),
            industry: fields.industry.clone(),
            country: fields.country.clone(),
            employee_count: fields.employee_count,
            custom: fields.custom.clone(),
        },
        &[],
        now,
    );
    Ok(NewLead {
        tenant_id: tenant,
        id: LeadId(Uuid::new_v4()),
        fields,
        score: scored.score,
        score_breakdown: serde_json::to_value(scored.reasons).unwrap_or_default(),
        external_source: None,
        external_id: None,
        created_at: now - Duration::minutes(rng.gen_range(0..days * 24 * 60)),
        converted_at: None,
    })
}

pub(super) async fn members(conn: &mut Conn) -> Result<Vec<UserId>, Error> {
    Ok(memberships::table
        .order(memberships::created_at)
        .select(memberships::user_id)
        .load(conn)
        .await?)
}

/// A deal's path through the open stages up to `target`, with a history row per step.
#[allow(clippy::too_many_arguments)]
pub(super) fn deal(
    rng: &mut StdRng,
    tenant: TenantId,
    stages: &[Stage],
    target: &Stage,
    account: Option<AccountId>,
    owner: UserId,
    now: DateTime<Utc>,
    name: &str,
) -> (NewOpportunity<'static>, Vec<NewStageChange>) {
    let id = OpportunityId(Uuid::new_v4());
    let amount = rng.gen_range(20..400) as i64 * 50_000;
    let created = now - Duration::hours(rng.gen_range(24..24 * 150));
    let open: Vec<&Stage> = stages
        .iter()
        .filter(|s| s.kind == StageKind::Open)
        .collect();
    let steps: Vec<&Stage> = match target.kind {
        StageKind::Open => open
            .iter()
            .copied()
            .take_while(|s| s.position <= target.position)
            .collect(),
        _ => {
            let reached = rng.gen_range(1..=open.len());
            open.iter()
                .copied()
                .take(reached)
                .chain(std::iter::once(target))
                .collect()
        }
    };
    let span = (now - created).num_minutes().max(60);
    let mut at = created;
    let mut history = Vec::new();
    for (i, s) in steps.iter().enumerate() {
        if i > 0 {
            at += Duration::minutes(rng.gen_range(1..span / (steps.len() as i64 + 1)).max(1));
        }
        history.push(NewStageChange {
            tenant_id: tenant,
            opportunity_id: id,
            stage_id: s.id,
            amount_minor: amount,
            close_date: (created + Duration::days(60)).date_naive(),
            changed_by: Some(owner),
            changed_at: at,
        });
    }
    let closed = target.kind != StageKind::Open;
    let close_date = if closed {
        at.date_naive()
    } else {
        (now + Duration::days(rng.gen_range(-20..90))).date_naive()
    };
    let opp = NewOpportunity {
        tenant_id: tenant,
        id,
        name: name.to_string(),
        account_id: account,
        primary_contact_id: None,
        lead_id: None,
        amount_minor: amount,
        currency: "USD",
        stage_id: target.id,
        close_date,
        owner_id: Some(owner),
        stage_entered_at: at,
        closed_at: closed.then_some(at),
        created_at: created,
    };
    (opp, history)
}
