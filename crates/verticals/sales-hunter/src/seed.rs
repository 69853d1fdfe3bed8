//! Sales data for a tenant: a believable small demo (`server seed`, run by the run command)
//! and, for benchmarks, a large tenant generated in big batches (`server seed --leads N`).
//! Deterministic: the same seed gives the same data.

use crate::accounts::NewAccount;
use crate::activities::{NewActivity, NewTask};
use crate::contacts::NewContact;
use crate::leads::{clean_lead, NewLead};
use crate::opportunities::{NewOpportunity, NewStageChange};
use crate::stages::list_stages;
use chrono::{DateTime, Duration, Utc};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use models::sales::activity::ActivityKind;
use models::sales::lead::{LeadInput, LeadStatus};
use models::sales::stage::{Stage, StageKind};
use models::{AccountId, ActivityId, ContactId, LeadId, OpportunityId, TaskId, TenantId, UserId};
use platform::db::schema::{
    activities, leads, memberships, opportunities, opportunity_history, sales_settings, tasks,
};
use platform::db::{Conn, Db};
use platform::Error;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use uuid::Uuid;

const FIRST: [&str; 24] = [
    "Ada", "Ben", "Chloe", "Diego", "Elena", "Farid", "Grace", "Hiro", "Ines", "Jonas", "Kira",
    "Liam", "Maya", "Noah", "Olga", "Priya", "Quinn", "Rosa", "Sam", "Tariq", "Uma", "Victor",
    "Wen", "Yara",
];
const LAST: [&str; 24] = [
    "Anders", "Brook", "Castillo", "Dubois", "Eriksen", "Fischer", "Garcia", "Hughes", "Ito",
    "Jensen", "Kowalski", "Laine", "Moreau", "Nakamura", "Okafor", "Patel", "Quist", "Rossi",
    "Schmidt", "Tanaka", "Ueda", "Varga", "Weber", "Young",
];
const COMPANIES: [&str; 30] = [
    "Northwind",
    "Globex",
    "Initech",
    "Umbrella Labs",
    "Stark Logistics",
    "Wayne Foods",
    "Hooli",
    "Vandelay",
    "Soylent",
    "Cyberdyne",
    "Tyrell Systems",
    "Wonka Retail",
    "Oscorp",
    "Aperture Science",
    "Massive Dynamic",
    "Pied Piper",
    "Prestige Worldwide",
    "Dunder Mifflin",
    "Gringotts",
    "Monarch Solutions",
    "Blue Sun",
    "Nakatomi",
    "Sirius Cybernetics",
    "Virtucon",
    "Zorg Industries",
    "Bluth Company",
    "Sterling Cooper",
    "Genco Pura",
    "Duff Brewing",
    "Krusty Holdings",
];
const TITLES: [&str; 10] = [
    "CEO",
    "VP Sales",
    "Head of Operations",
    "Director of IT",
    "Sales Manager",
    "Procurement Lead",
    "Software Engineer",
    "Marketing Manager",
    "CFO",
    "Operations Analyst",
];
const INDUSTRIES: [&str; 6] = [
    "Manufacturing",
    "Software",
    "Logistics",
    "Retail",
    "Finance",
    "Healthcare",
];
const COUNTRIES: [&str; 6] = [
    "United States",
    "Germany",
    "United Kingdom",
    "France",
    "Japan",
    "Canada",
];
const SOURCES: [&str; 6] = ["Web", "Referral", "Event", "Outbound", "Partner", "Webinar"];
const STATUSES: [LeadStatus; 5] = [
    LeadStatus::New,
    LeadStatus::Working,
    LeadStatus::Nurture,
    LeadStatus::Qualified,
    LeadStatus::Disqualified,
];

fn domain_of(company: &str) -> String {
    let slug: String = company
        .to_lowercase()
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect();
    format!("{slug}.example")
}

fn pick<T: Copy>(rng: &mut StdRng, items: &[T]) -> T {
    items[rng.gen_range(0..items.len())]
}

fn pick_ref<'a, T>(rng: &mut StdRng, items: &'a [T]) -> &'a T {
    &items[rng.gen_range(0..items.len())]
}

/// A generated lead, `i` making its e-mail unique.
fn lead(
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
    let fields = clean_lead(&input, serde_json::json!({}), owner, false)?;
    Ok(NewLead {
        tenant_id: tenant,
        id: LeadId(Uuid::new_v4()),
        fields,
        external_source: None,
        external_id: None,
        created_at: now - Duration::minutes(rng.gen_range(0..days * 24 * 60)),
    })
}

async fn members(conn: &mut Conn) -> Result<Vec<UserId>, Error> {
    Ok(memberships::table
        .order(memberships::created_at)
        .select(memberships::user_id)
        .load(conn)
        .await?)
}

/// A deal's path through the open stages up to `target`, with a history row per step.
#[allow(clippy::too_many_arguments)]
fn deal(
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

/// Seeds a believable quarter into `tenant` unless it already has leads: stages, a quota,
/// 300 leads, 40 accounts with contacts, deals in every stage with their history, activity
/// and tasks for every member (some overdue, some due today).
pub async fn seed_demo_sales(db: &Db, tenant: TenantId) -> Result<bool, Error> {
    db.tenant_tx(tenant, async |conn| {
        let any: i64 = leads::table.count().get_result(conn).await?;
        if any > 0 {
            return Ok(false);
        }
        let mut rng = StdRng::seed_from_u64(7);
        let now = Utc::now();
        let owners = members(conn).await?;
        if owners.is_empty() {
            return Ok(false);
        }
        diesel::insert_into(sales_settings::table)
            .values((
                sales_settings::tenant_id.eq(tenant),
                sales_settings::currency.eq("USD"),
                sales_settings::quarterly_quota_minor.eq(75_000_000_i64),
            ))
            .on_conflict_do_nothing()
            .execute(conn)
            .await?;
        let stages = list_stages(conn, tenant).await?;

        let mut new_leads = Vec::new();
        for i in 0..300 {
            new_leads.push(lead(&mut rng, tenant, i, &owners, now, 120)?);
        }
        diesel::insert_into(leads::table)
            .values(&new_leads)
            .execute(conn)
            .await?;

        let mut account_ids = Vec::new();
        for company in COMPANIES.iter().take(25) {
            let id = AccountId(Uuid::new_v4());
            NewAccount {
                tenant_id: tenant,
                id,
                name: company,
                domain: &domain_of(company),
                industry: pick(&mut rng, &INDUSTRIES),
                employee_count: Some(rng.gen_range(20..5000)),
                country: pick(&mut rng, &COUNTRIES),
                owner_id: Some(pick(&mut rng, &owners)),
                created_at: now - Duration::days(rng.gen_range(30..200)),
            }
            .insert(conn)
            .await?;
            for _ in 0..2 {
                let first = pick(&mut rng, &FIRST);
                let last = pick(&mut rng, &LAST);
                NewContact {
                    tenant_id: tenant,
                    id: ContactId(Uuid::new_v4()),
                    account_id: Some(id),
                    first_name: first,
                    last_name: last,
                    title: pick(&mut rng, &TITLES),
                    email: &format!(
                        "{}.{}@{}",
                        first.to_lowercase(),
                        last.to_lowercase(),
                        domain_of(company)
                    ),
                    phone: "",
                    owner_id: None,
                    custom: serde_json::json!({}),
                    created_at: now - Duration::days(rng.gen_range(1..100)),
                }
                .insert(conn)
                .await?;
            }
            account_ids.push((id, *company));
        }

        let mut deals = Vec::new();
        for (i, target) in stages.iter().enumerate() {
            let n = if target.kind == StageKind::Open {
                9 - i.min(5)
            } else {
                12
            };
            for _ in 0..n {
                let (account, company) = pick(&mut rng, &account_ids);
                let owner = pick(&mut rng, &owners);
                let product = pick(
                    &mut rng,
                    &["Fleet", "Platform", "Expansion", "Pilot", "Renewal"],
                );
                deals.push(deal(
                    &mut rng,
                    tenant,
                    &stages,
                    target,
                    Some(account),
                    owner,
                    now,
                    &format!("{company} — {product}"),
                ));
            }
        }
        for (opp, history) in &deals {
            diesel::insert_into(opportunities::table)
                .values(opp)
                .execute(conn)
                .await?;
            diesel::insert_into(opportunity_history::table)
                .values(history)
                .execute(conn)
                .await?;
        }

        // A quarter of activity: on most leads, and on the deals.
        let kinds = [
            ActivityKind::Call,
            ActivityKind::Email,
            ActivityKind::Meeting,
            ActivityKind::Note,
        ];
        let mut acts = Vec::new();
        let mut touched = Vec::new();
        for l in &new_leads {
            if !rng.gen_bool(0.6) {
                continue;
            }
            let first_at = l.created_at + Duration::minutes(rng.gen_range(5..60 * 72));
            if first_at > now {
                continue;
            }
            for k in 0..rng.gen_range(1..4) {
                let at = first_at + Duration::hours(k * rng.gen_range(12..96));
                if at > now {
                    break;
                }
                acts.push(NewActivity {
                    tenant_id: tenant,
                    id: ActivityId(Uuid::new_v4()),
                    kind: pick(&mut rng, &kinds),
                    subject: pick(
                        &mut rng,
                        &[
                            "Intro call",
                            "Sent pricing",
                            "Discovery meeting",
                            "Follow-up",
                            "Left voicemail",
                        ],
                    ),
                    body: "",
                    outcome: pick(&mut rng, &["Connected", "No answer", "Interested", ""]),
                    occurred_at: at,
                    user_id: l.fields.owner_id,
                    lead_id: Some(l.id),
                    contact_id: None,
                    account_id: None,
                    opportunity_id: None,
                });
            }
            touched.push(l.id);
        }
        for (opp, _) in &deals {
            for _ in 0..rng.gen_range(1..5) {
                let at = now - Duration::hours(rng.gen_range(1..24 * 90));
                if at < opp.created_at {
                    continue;
                }
                acts.push(NewActivity {
                    tenant_id: tenant,
                    id: ActivityId(Uuid::new_v4()),
                    kind: pick(&mut rng, &kinds),
                    subject: pick(
                        &mut rng,
                        &[
                            "Demo",
                            "Proposal review",
                            "Negotiation call",
                            "Stakeholder meeting",
                        ],
                    ),
                    body: "",
                    outcome: "",
                    occurred_at: at,
                    user_id: opp.owner_id,
                    lead_id: None,
                    contact_id: None,
                    account_id: None,
                    opportunity_id: Some(opp.id),
                });
            }
        }
        for chunk in acts.chunks(1000) {
            diesel::insert_into(activities::table)
                .values(chunk)
                .execute(conn)
                .await?;
        }
        for id in touched {
            let (first, last): (Option<DateTime<Utc>>, Option<DateTime<Utc>>) = activities::table
                .filter(activities::lead_id.eq(id))
                .select((
                    diesel::dsl::min(activities::occurred_at),
                    diesel::dsl::max(activities::occurred_at),
                ))
                .first(conn)
                .await?;
            if let Some(first) = first {
                crate::leads::touch_lead(conn, id, first).await?;
            }
            if let Some(last) = last {
                crate::leads::touch_lead(conn, id, last).await?;
            }
        }

        // Tasks for every member: overdue, due today, coming up.
        let mut new_tasks = Vec::new();
        for owner in &owners {
            for (offset, title) in [
                (-3, "Send the revised proposal"),
                (-1, "Call back about pricing"),
                (0, "Prepare the demo"),
                (0, "Reply to the security questionnaire"),
                (2, "Check in after the trial"),
                (7, "Quarterly business review"),
            ] {
                let (opp, _) = pick_ref(&mut rng, &deals);
                new_tasks.push(NewTask {
                    tenant_id: tenant,
                    id: TaskId(Uuid::new_v4()),
                    title,
                    due_on: (now + Duration::days(offset)).date_naive(),
                    assignee_id: Some(*owner),
                    lead_id: None,
                    contact_id: None,
                    account_id: None,
                    opportunity_id: Some(opp.id),
                    created_by: Some(*owner),
                });
            }
        }
        diesel::insert_into(tasks::table)
            .values(&new_tasks)
            .execute(conn)
            .await?;
        Ok(true)
    })
    .await
}

/// Adds `n_leads` leads and `n_opps` deals to `tenant` in large batches, printing progress;
/// for benchmarks. Each batch is its own transaction.
pub async fn seed_volume(
    db: &Db,
    tenant: TenantId,
    n_leads: usize,
    n_opps: usize,
    mut progress: impl FnMut(&str, usize),
) -> Result<(), Error> {
    const BATCH: usize = 2000;
    let now = Utc::now();
    let (owners, stages) = db
        .tenant_tx(tenant, async |conn| {
            Ok((members(conn).await?, list_stages(conn, tenant).await?))
        })
        .await?;
    if owners.is_empty() {
        return Err(Error::Config(
            "the tenant has no members to own the records".into(),
        ));
    }
    let offset: i64 = db
        .tenant_tx(tenant, async |conn| {
            Ok(leads::table.count().get_result(conn).await?)
        })
        .await?;
    let mut rng = StdRng::seed_from_u64(offset as u64 + 11);
    let mut done = 0;
    while done < n_leads {
        let n = BATCH.min(n_leads - done);
        let mut batch = Vec::with_capacity(n);
        for i in 0..n {
            batch.push(lead(
                &mut rng,
                tenant,
                offset as usize + done + i,
                &owners,
                now,
                730,
            )?);
        }
        db.tenant_tx(tenant, async |conn| {
            diesel::insert_into(leads::table)
                .values(&batch)
                .execute(conn)
                .await?;
            Ok(())
        })
        .await?;
        done += n;
        progress("leads", done);
    }
    refresh_statistics(db).await?;
    let mut done = 0;
    while done < n_opps {
        let n = 1000.min(n_opps - done);
        let deals: Vec<_> = (0..n)
            .map(|i| {
                let target = pick_ref(&mut rng, &stages).clone();
                let owner = pick(&mut rng, &owners);
                deal(
                    &mut rng,
                    tenant,
                    &stages,
                    &target,
                    None,
                    owner,
                    now,
                    &format!("Deal {}", done + i + 1),
                )
            })
            .collect();
        db.tenant_tx(tenant, async |conn| {
            let rows: Vec<_> = deals.iter().map(|(o, _)| o).collect();
            diesel::insert_into(opportunities::table)
                .values(rows)
                .execute(conn)
                .await?;
            let history: Vec<&NewStageChange> = deals.iter().flat_map(|(_, h)| h).collect();
            for chunk in history.chunks(5000) {
                diesel::insert_into(opportunity_history::table)
                    .values(chunk.to_vec())
                    .execute(conn)
                    .await?;
            }
            Ok(())
        })
        .await?;
        done += n;
        // The foreign-key checks of the history rows are planned on the deals' statistics.
        // With the deals never analyzed (autovacuum off), the first 100k beside 1M leads
        // took 771 s; with statistics taken after the first batch, all 200k took 31-34 s,
        // as fast as when they were refreshed each time the deals grew fourfold.
        if done == n {
            refresh_statistics(db).await?;
        }
        progress("opportunities", done);
    }
    Ok(())
}

/// ANALYZE after a bulk load, so that plans (and the cached plans of foreign-key checks,
/// which it invalidates) see the tables as they now are. Through the owner's function
/// (migration 000017): ANALYZE by any other role skips the tables with only a warning.
async fn refresh_statistics(db: &Db) -> Result<(), Error> {
    db.platform_tx(async |conn| {
        diesel::sql_query("SELECT refresh_sales_statistics()")
            .execute(conn)
            .await?;
        Ok(())
    })
    .await
}
