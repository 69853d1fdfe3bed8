//! The demo tenant's believable quarter.

use super::names::*;
use super::{deal, lead, members, pick, pick_ref};
use crate::accounts::NewAccount;
use crate::activities::{NewActivity, NewTask};
use crate::contacts::NewContact;
use crate::leads::NewLead;
use crate::opportunities::{NewOpportunity, NewStageChange};
use crate::stages::list_stages;
use chrono::{DateTime, Duration, Utc};
use diesel::prelude::*;
use diesel_async::RunQueryDsl;
use models::sales::activity::ActivityKind;
use models::sales::lead::LeadStatus;
use models::sales::stage::{Stage, StageKind};
use models::{AccountId, ActivityId, ContactId, TaskId, TenantId, UserId};
use platform::db::schema::{
    activities, contacts, leads, opportunities, opportunity_history, sales_settings, tasks,
};
use platform::db::{Conn, Db};
use platform::Error;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use uuid::Uuid;

/// Seeds a believable quarter into `tenant` unless it already has leads: stages, a quota,
/// 300 leads, 25 accounts with contacts, deals in every stage with their history, leads
/// converted into some of those deals, activity and tasks for every member (some overdue,
/// some due today), so that every KPI of the dashboard has a figure.
pub async fn seed_demo_sales(db: &Db, tenant: TenantId) -> Result<bool, Error> {
    db.tenant_tx(tenant, async |conn| {
        let any: i64 = leads::table.count().get_result(conn).await?;
        if any > 0 {
            return Ok(false);
        }
        let owners = members(conn).await?;
        if owners.is_empty() {
            return Ok(false);
        }
        let mut demo = Demo {
            rng: StdRng::seed_from_u64(7),
            tenant,
            owners,
            now: Utc::now(),
        };
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
        let new_leads = demo.leads(conn).await?;
        let accounts = demo.accounts(conn).await?;
        let deals = demo.deals(conn, &stages, &accounts).await?;
        demo.conversions(conn, &new_leads, &deals).await?;
        demo.activities(conn, &new_leads, &deals).await?;
        demo.tasks(conn, &deals).await?;
        Ok(true)
    })
    .await
}

type Deal = (NewOpportunity<'static>, Vec<NewStageChange>);

/// What every part of the demo draws on: one random sequence, so the data is the same each
/// time.
struct Demo {
    rng: StdRng,
    tenant: TenantId,
    owners: Vec<UserId>,
    now: DateTime<Utc>,
}

impl Demo {
    async fn leads(&mut self, conn: &mut Conn) -> Result<Vec<NewLead>, Error> {
        let mut new_leads = Vec::new();
        for i in 0..300 {
            new_leads.push(lead(
                &mut self.rng,
                self.tenant,
                i,
                &self.owners,
                self.now,
                120,
            )?);
        }
        diesel::insert_into(leads::table)
            .values(&new_leads)
            .execute(conn)
            .await?;
        Ok(new_leads)
    }

    /// 25 accounts with two contacts each.
    async fn accounts(&mut self, conn: &mut Conn) -> Result<Vec<(AccountId, &'static str)>, Error> {
        let mut account_ids = Vec::new();
        for company in COMPANIES.iter().take(25) {
            let id = AccountId(Uuid::new_v4());
            NewAccount {
                tenant_id: self.tenant,
                id,
                name: company,
                domain: &domain_of(company),
                industry: pick(&mut self.rng, &INDUSTRIES),
                employee_count: Some(self.rng.gen_range(20..5000)),
                country: pick(&mut self.rng, &COUNTRIES),
                owner_id: Some(pick(&mut self.rng, &self.owners)),
                created_at: self.now - Duration::days(self.rng.gen_range(30..200)),
            }
            .insert(conn)
            .await?;
            for _ in 0..2 {
                let first = pick(&mut self.rng, &FIRST);
                let last = pick(&mut self.rng, &LAST);
                NewContact {
                    tenant_id: self.tenant,
                    id: ContactId(Uuid::new_v4()),
                    account_id: Some(id),
                    first_name: first,
                    last_name: last,
                    title: pick(&mut self.rng, &TITLES),
                    email: &format!(
                        "{}.{}@{}",
                        first.to_lowercase(),
                        last.to_lowercase(),
                        domain_of(company)
                    ),
                    phone: "",
                    owner_id: None,
                    custom: serde_json::json!({}),
                    created_at: self.now - Duration::days(self.rng.gen_range(1..100)),
                }
                .insert(conn)
                .await?;
            }
            account_ids.push((id, *company));
        }

        Ok(account_ids)
    }

    /// Deals in every stage, fewer the further along, with their history.
    async fn deals(
        &mut self,
        conn: &mut Conn,
        stages: &[Stage],
        account_ids: &[(AccountId, &'static str)],
    ) -> Result<Vec<Deal>, Error> {
        let mut deals = Vec::new();
        for (i, target) in stages.iter().enumerate() {
            let n = if target.kind == StageKind::Open {
                9 - i.min(5)
            } else {
                12
            };
            for _ in 0..n {
                let (account, company) = pick(&mut self.rng, account_ids);
                let owner = pick(&mut self.rng, &self.owners);
                let product = pick(
                    &mut self.rng,
                    &["Fleet", "Platform", "Expansion", "Pilot", "Renewal"],
                );
                deals.push(deal(
                    &mut self.rng,
                    self.tenant,
                    stages,
                    target,
                    Some(account),
                    owner,
                    self.now,
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

        Ok(deals)
    }

    /// About half the deals came from a lead: the lead (created before the deal, from the
    /// deal's company where one is) is marked converted into the deal's account, a contact
    /// there and the deal, as `convert_lead` would have; the deal points back at it.
    async fn conversions(
        &mut self,
        conn: &mut Conn,
        new_leads: &[NewLead],
        deals: &[Deal],
    ) -> Result<(), Error> {
        let mut used = std::collections::HashSet::new();
        for (opp, _) in deals {
            if !self.rng.gen_bool(0.5) {
                continue;
            }
            let Some(lead) = new_leads
                .iter()
                .filter(|l| l.created_at < opp.created_at && !used.contains(&l.id))
                .max_by_key(|l| l.created_at)
            else {
                continue;
            };
            used.insert(lead.id);
            let contact: Option<ContactId> = match opp.account_id {
                Some(account) => contacts::table
                    .filter(contacts::account_id.eq(account))
                    .select(contacts::id)
                    .first(conn)
                    .await
                    .optional()?,
                None => None,
            };
            diesel::update(leads::table.filter(leads::id.eq(lead.id)))
                .set((
                    leads::status.eq(LeadStatus::Converted),
                    leads::converted_at.eq(opp.created_at),
                    leads::converted_account_id.eq(opp.account_id),
                    leads::converted_contact_id.eq(contact),
                    leads::converted_opportunity_id.eq(opp.id),
                ))
                .execute(conn)
                .await?;
            diesel::update(opportunities::table.filter(opportunities::id.eq(opp.id)))
                .set(opportunities::lead_id.eq(lead.id))
                .execute(conn)
                .await?;
        }
        Ok(())
    }

    /// A quarter of activity: on most leads, and on the deals.
    async fn activities(
        &mut self,
        conn: &mut Conn,
        new_leads: &[NewLead],
        deals: &[Deal],
    ) -> Result<(), Error> {
        let kinds = [
            ActivityKind::Call,
            ActivityKind::Email,
            ActivityKind::Meeting,
            ActivityKind::Note,
        ];
        let tenant = self.tenant;
        // Every activity the demo logs; the caller names its lead or deal.
        let logged = |kind, subject, outcome, occurred_at, user_id| NewActivity {
            tenant_id: tenant,
            id: ActivityId(Uuid::new_v4()),
            kind,
            subject,
            body: "",
            outcome,
            occurred_at,
            user_id,
            lead_id: None,
            contact_id: None,
            account_id: None,
            opportunity_id: None,
        };
        let mut acts = Vec::new();
        let mut touched = Vec::new();
        for l in new_leads {
            if !self.rng.gen_bool(0.6) {
                continue;
            }
            let first_at = l.created_at + Duration::minutes(self.rng.gen_range(5..60 * 72));
            if first_at > self.now {
                continue;
            }
            for k in 0..self.rng.gen_range(1..4) {
                let at = first_at + Duration::hours(k * self.rng.gen_range(12..96));
                if at > self.now {
                    break;
                }
                let kind = pick(&mut self.rng, &kinds);
                let subject = pick(
                    &mut self.rng,
                    &[
                        "Intro call",
                        "Sent pricing",
                        "Discovery meeting",
                        "Follow-up",
                        "Left voicemail",
                    ],
                );
                let outcome = pick(&mut self.rng, &["Connected", "No answer", "Interested", ""]);
                acts.push(NewActivity {
                    lead_id: Some(l.id),
                    ..logged(kind, subject, outcome, at, l.fields.owner_id)
                });
            }
            touched.push(l.id);
        }
        for (opp, _) in deals {
            for _ in 0..self.rng.gen_range(1..5) {
                let at = self.now - Duration::hours(self.rng.gen_range(1..24 * 90));
                if at < opp.created_at {
                    continue;
                }
                let kind = pick(&mut self.rng, &kinds);
                let subject = pick(
                    &mut self.rng,
                    &[
                        "Demo",
                        "Proposal review",
                        "Negotiation call",
                        "Stakeholder meeting",
                    ],
                );
                acts.push(NewActivity {
                    opportunity_id: Some(opp.id),
                    ..logged(kind, subject, "", at, opp.owner_id)
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

        Ok(())
    }

    /// Tasks for every member: overdue, due today, coming up.
    async fn tasks(&mut self, conn: &mut Conn, deals: &[Deal]) -> Result<(), Error> {
        let mut new_tasks = Vec::new();
        for owner in &self.owners {
            for (offset, title) in [
                (-3, "Send the revised proposal"),
                (-1, "Call back about pricing"),
                (0, "Prepare the demo"),
                (0, "Reply to the security questionnaire"),
                (2, "Check in after the trial"),
                (7, "Quarterly business review"),
            ] {
                let (opp, _) = pick_ref(&mut self.rng, deals);
                new_tasks.push(NewTask {
                    tenant_id: self.tenant,
                    id: TaskId(Uuid::new_v4()),
                    title,
                    due_on: (self.now + Duration::days(offset)).date_naive(),
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
        Ok(())
    }
}
