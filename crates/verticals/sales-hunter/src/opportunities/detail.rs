//! A deal with its history, contacts, activities and tasks.

use super::*;

/// The deal with its history, contacts, activities and tasks.
pub async fn get_opportunity(
    db: &Db,
    ctx: &RequestContext,
    id: OpportunityId,
) -> Result<OpportunityDetail, Error> {
    db.tenant_tx(ctx.tenant_id, async |conn| {
        let r = load(conn, id, false).await?;
        let stages = list_stages(conn, ctx.tenant_id).await?;
        let names = member_names(conn).await?;
        let account = account_name(conn, r.account_id).await?;
        let primary = r.primary_contact_id;
        let opportunity = to_model(r, &stages, &names, account)?;
        let stage_names: HashMap<StageId, String> =
            stages.iter().map(|s| (s.id, s.name.clone())).collect();
        type Row = (StageId, i64, NaiveDate, Option<UserId>, DateTime<Utc>);
        let history: Vec<Row> = opportunity_history::table
            .filter(opportunity_history::opportunity_id.eq(id))
            .order((
                opportunity_history::changed_at.desc(),
                opportunity_history::id.desc(),
            ))
            .select((
                opportunity_history::stage_id,
                opportunity_history::amount_minor,
                opportunity_history::close_date,
                opportunity_history::changed_by,
                opportunity_history::changed_at,
            ))
            .limit(200)
            .load(conn)
            .await?;
        let by_ids: Vec<UserId> = history.iter().filter_map(|h| h.3).collect();
        let people: HashMap<UserId, String> = users::table
            .filter(users::id.eq_any(&by_ids))
            .select((users::id, users::name))
            .load::<(UserId, String)>(conn)
            .await?
            .into_iter()
            .collect();
        let history = history
            .into_iter()
            .map(|(stage, amount, close, by, at)| StageChange {
                stage_name: stage_names.get(&stage).cloned().unwrap_or_default(),
                amount_minor: amount,
                close_date: close,
                changed_by: by.and_then(|u| people.get(&u).or(names.get(&u)).cloned()),
                changed_at: at,
            })
            .collect();
        let contact_rows: Vec<(ContactId, String, String, String, String)> =
            opportunity_contacts::table
                .inner_join(
                    contacts::table.on(contacts::tenant_id
                        .eq(opportunity_contacts::tenant_id)
                        .and(contacts::id.eq(opportunity_contacts::contact_id))),
                )
                .filter(opportunity_contacts::opportunity_id.eq(id))
                .select((
                    contacts::id,
                    contacts::first_name,
                    contacts::last_name,
                    contacts::email,
                    opportunity_contacts::role,
                ))
                .load(conn)
                .await?;
        let contacts = contact_rows
            .into_iter()
            .map(|(cid, first, last, email, role)| OpportunityContact {
                is_primary: Some(cid) == primary,
                contact_id: cid,
                name: format!("{first} {last}").trim().to_string(),
                email,
                role,
            })
            .collect();
        let activities = crate::activities::timeline(conn, Subject::Opportunity(id)).await?;
        let tasks = crate::activities::tasks_about(conn, Subject::Opportunity(id)).await?;
        let risks =
            crate::analyst::deal_risks(conn, ctx.tenant_id, id.0, &stages, &opportunity.currency)
                .await?;
        Ok(OpportunityDetail {
            risks,
            opportunity,
            history,
            contacts,
            activities,
            tasks,
            stages,
        })
    })
    .await
}
