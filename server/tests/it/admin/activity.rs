//! The audit trail: append-only for both roles; the explorer's filters, keyset pages and
//! CSV.

use super::*;

#[test]
fn neither_of_the_apps_roles_can_alter_the_audit_trail() {
    run(async {
        let app = TestApp::spawn().await;
        let owner = app
            .sign_up("Olga Owner", "olga@example.com", "Olga Org")
            .await;
        let tenant = me(&app, &owner).await.tenant_id;
        let before = app.count("SELECT count(*) AS n FROM audit_log").await;
        assert!(before > 0);
        for sql in [
            "UPDATE audit_log SET action = 'forged'",
            "DELETE FROM audit_log",
            "TRUNCATE audit_log",
        ] {
            let as_platform = app
                .db
                .platform_tx(async |conn| {
                    use diesel_async::RunQueryDsl;
                    Ok(diesel::sql_query(sql).execute(conn).await?)
                })
                .await;
            assert!(
                matches!(as_platform, Err(Error::Db(_))),
                "platform: {sql}: {as_platform:?}"
            );
            let as_tenant = app
                .db
                .tenant_tx(tenant, async |conn| {
                    use diesel_async::RunQueryDsl;
                    Ok(diesel::sql_query(sql).execute(conn).await?)
                })
                .await;
            assert!(
                matches!(as_tenant, Err(Error::Db(_))),
                "tenant: {sql}: {as_tenant:?}"
            );
        }
        assert_eq!(
            app.count("SELECT count(*) AS n FROM audit_log").await,
            before
        );
        assert_eq!(
            app.count("SELECT count(*) AS n FROM audit_log WHERE action = 'forged'")
                .await,
            0
        );
    })
}

#[test]
fn the_explorer_filters_pages_by_keyset_and_exports_csv() {
    run(async {
        let app = TestApp::spawn().await;
        let admin = platform_admin(&app).await;
        let owner = app
            .sign_up("Olga Owner", "olga@example.com", "Olga Org")
            .await;
        let tenant: TenantId = me(&app, &owner).await.tenant_id;
        let olga: UserId = me(&app, &owner).await.user_id;
        // 120 entries in one organisation over three days, several in the same microsecond
        // (the keyset's tie-break on id), one with a comma and a formula in its target.
        app.exec(&format!(
            "INSERT INTO audit_log (tenant_id, actor_id, action, target_type, target_id, details, created_at) \
             SELECT '{tenant}', '{olga}', CASE WHEN i % 3 = 0 THEN 'lead.updated' ELSE 'lead.created' END, 'lead', \
                    CASE WHEN i = 7 THEN '=cmd,evil' ELSE 'L' || i END, jsonb_build_object('i', i), \
                    timestamptz '2026-11-01 12:00:00+00' + ((i / 4) * interval '36 minutes') \
             FROM generate_series(1, 120) i"
        ))
        .await;
        let of_tenant = AuditFilter {
            tenant: tenant.to_string(),
            target_type: "lead".into(),
            ..Default::default()
        };
        let mut seen = Vec::new();
        let mut filter = of_tenant.clone();
        let mut pages = 0;
        loop {
            let page = audit(&app, &admin, filter.clone()).await.expect("page");
            pages += 1;
            seen.extend(page.entries.iter().map(|e| (e.created_at, e.id)));
            match page.next {
                Some(next) => filter.before = next,
                None => break,
            }
        }
        assert_eq!(pages, 3, "50 + 50 + 20");
        assert_eq!(seen.len(), 120);
        let mut sorted = seen.clone();
        sorted.sort_by(|a, b| b.cmp(a));
        sorted.dedup();
        assert_eq!(sorted, seen, "newest first, no entry twice or missing");

        let updated = audit(
            &app,
            &admin,
            AuditFilter {
                action: "lead.updated".into(),
                ..of_tenant.clone()
            },
        )
        .await
        .expect("by action");
        assert_eq!(updated.entries.len(), 40);
        assert!(updated.next.is_none());
        let by_actor = audit(
            &app,
            &admin,
            AuditFilter {
                actor: "OLGA@example.com".into(),
                target_type: "lead".into(),
                ..Default::default()
            },
        )
        .await
        .expect("by actor");
        assert_eq!(by_actor.entries.len(), 50);
        assert_eq!(
            by_actor.entries[0].actor_email.as_deref(),
            Some("olga@example.com")
        );
        let nobody = audit(
            &app,
            &admin,
            AuditFilter {
                actor: "nobody@example.com".into(),
                ..Default::default()
            },
        )
        .await
        .expect("nobody");
        assert!(nobody.entries.is_empty());
        let one_day = audit(
            &app,
            &admin,
            AuditFilter {
                from: "2026-11-02".into(),
                to: "2026-11-02".into(),
                ..of_tenant.clone()
            },
        )
        .await
        .expect("a day");
        // Step i / 4 of 36 minutes from noon on the 1st: the 2nd holds steps 20 to 30,
        // four entries each but the last step's one (i = 120).
        assert_eq!(one_day.entries.len(), 41);
        assert!(one_day.next.is_none());
        for (bad, field) in [
            (
                AuditFilter {
                    from: "02/11/2026".into(),
                    ..Default::default()
                },
                "from",
            ),
            (
                AuditFilter {
                    tenant: "olga".into(),
                    ..Default::default()
                },
                "tenant",
            ),
            (
                AuditFilter {
                    before: "yesterday".into(),
                    ..Default::default()
                },
                "before",
            ),
        ] {
            assert_field(&audit(&app, &admin, bad).await.expect_err("invalid"), field);
        }

        let csv = app
            .get(
                Some(&admin),
                &format!("{ACTIVITY_CSV}?tenant={tenant}&target_type=lead"),
            )
            .await;
        assert_eq!(csv.status(), 200);
        assert!(csv.headers()["content-type"]
            .to_str()
            .expect("type")
            .starts_with("text/csv"));
        let body = csv.text().await.expect("csv");
        let lines: Vec<&str> = body.split("\r\n").filter(|l| !l.is_empty()).collect();
        assert_eq!(lines[0], "time,organisation,organisation_id,actor,action,target_type,target_id,details,ip,request_id");
        assert_eq!(lines.len(), 121);
        assert!(
            body.contains(",\"'=cmd,evil\","),
            "quoted and defused: {}",
            lines
                .iter()
                .find(|l| l.contains("evil"))
                .copied()
                .unwrap_or_default()
        );
        let bad = app
            .get(Some(&admin), &format!("{ACTIVITY_CSV}?from=soon"))
            .await;
        assert_eq!(bad.status(), 400);
    })
}
