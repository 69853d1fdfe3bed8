// @generated automatically by Diesel CLI.

diesel::table! {
    accounts (tenant_id, id) {
        tenant_id -> Uuid,
        id -> Uuid,
        name -> Text,
        domain -> Text,
        industry -> Text,
        employee_count -> Nullable<Int4>,
        annual_revenue_minor -> Nullable<Int8>,
        country -> Text,
        region -> Text,
        technologies -> Array<Nullable<Text>>,
        owner_id -> Nullable<Uuid>,
        custom -> Jsonb,
        external_source -> Nullable<Text>,
        external_id -> Nullable<Text>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        search_text -> Text,
    }
}

diesel::table! {
    activities (tenant_id, id) {
        tenant_id -> Uuid,
        id -> Uuid,
        kind -> Text,
        subject -> Text,
        body -> Text,
        outcome -> Text,
        occurred_at -> Timestamptz,
        user_id -> Nullable<Uuid>,
        lead_id -> Nullable<Uuid>,
        contact_id -> Nullable<Uuid>,
        account_id -> Nullable<Uuid>,
        opportunity_id -> Nullable<Uuid>,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    agent_automations (tenant_id, agent) {
        tenant_id -> Uuid,
        agent -> Text,
        schedule -> Text,
        scope -> Text,
        run_on -> Array<Nullable<Text>>,
        updated_by -> Nullable<Uuid>,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    agent_budgets (tenant_id) {
        tenant_id -> Uuid,
        monthly_limit_micros -> Nullable<Int8>,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    agent_bulk_runs (tenant_id, id) {
        tenant_id -> Uuid,
        id -> Uuid,
        agent -> Text,
        config_version -> Int4,
        total -> Int8,
        done -> Int8,
        cursor -> Nullable<Uuid>,
        state -> Text,
        started_at -> Timestamptz,
        finished_at -> Nullable<Timestamptz>,
        mode -> Text,
        trigger -> Text,
        scope -> Text,
        failed -> Int8,
        error -> Text,
        created_by -> Nullable<Uuid>,
        period -> Nullable<Text>,
    }
}

diesel::table! {
    agent_configs (tenant_id, agent, version) {
        tenant_id -> Uuid,
        agent -> Text,
        version -> Int4,
        config -> Jsonb,
        note -> Text,
        created_by -> Nullable<Uuid>,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    agent_minutes_saved (agent) {
        agent -> Text,
        minutes -> Int4,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    agent_provider_keys (tenant_id, provider, base_url) {
        tenant_id -> Uuid,
        provider -> Text,
        base_url -> Text,
        sealed_key -> Bytea,
        key_hint -> Text,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    agent_runs (tenant_id, id) {
        tenant_id -> Uuid,
        id -> Uuid,
        agent -> Text,
        config_version -> Int4,
        trigger -> Text,
        subject_kind -> Text,
        subject_id -> Nullable<Uuid>,
        subject_name -> Text,
        inputs -> Jsonb,
        prompt -> Text,
        raw_answer -> Text,
        output -> Nullable<Jsonb>,
        provider -> Text,
        model -> Text,
        tokens_in -> Int4,
        tokens_out -> Int4,
        cost_micros -> Int8,
        latency_ms -> Int4,
        status -> Text,
        error -> Text,
        replay_of -> Nullable<Uuid>,
        created_by -> Nullable<Uuid>,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    agent_spend (tenant_id, month) {
        tenant_id -> Uuid,
        month -> Date,
        spent_micros -> Int8,
    }
}

diesel::table! {
    api_keys (tenant_id, id) {
        tenant_id -> Uuid,
        id -> Uuid,
        name -> Text,
        prefix -> Text,
        key_hash -> Text,
        scope -> Text,
        created_by -> Uuid,
        rate_per_minute -> Int4,
        created_at -> Timestamptz,
        last_used_at -> Nullable<Timestamptz>,
        revoked_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    audit_log (id) {
        tenant_id -> Nullable<Uuid>,
        id -> Int8,
        actor_id -> Nullable<Uuid>,
        action -> Text,
        target_type -> Nullable<Text>,
        target_id -> Nullable<Text>,
        details -> Jsonb,
        ip -> Nullable<Text>,
        request_id -> Nullable<Text>,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    closed_tally_changes (tenant_id, id) {
        tenant_id -> Uuid,
        id -> Int8,
        day -> Date,
        owner_id -> Nullable<Uuid>,
        cycle_bucket -> Int2,
        won -> Int8,
        lost -> Int8,
        won_amount_minor -> Int8,
        folded -> Bool,
    }
}

diesel::table! {
    connection_objects (tenant_id, connection_id, object) {
        tenant_id -> Uuid,
        connection_id -> Uuid,
        object -> Text,
        remote_object -> Text,
        enabled -> Bool,
        mappings -> Jsonb,
        cursor_at -> Nullable<Timestamptz>,
        cursor_id -> Text,
        deleted_cursor_at -> Nullable<Timestamptz>,
        deleted_cursor_id -> Text,
        checked_at -> Nullable<Timestamptz>,
        check_started_at -> Nullable<Timestamptz>,
        check_cursor_at -> Nullable<Timestamptz>,
        check_cursor_id -> Text,
        unseen_fields -> Array<Nullable<Text>>,
        resync_requested -> Bool,
    }
}

diesel::table! {
    connections (tenant_id, id) {
        tenant_id -> Uuid,
        id -> Uuid,
        kind -> Text,
        status -> Text,
        settings -> Jsonb,
        credentials -> Nullable<Bytea>,
        oauth_state_hash -> Nullable<Text>,
        oauth_verifier -> Nullable<Bytea>,
        oauth_started_at -> Nullable<Timestamptz>,
        sync_every_minutes -> Int4,
        last_sync_at -> Nullable<Timestamptz>,
        last_error -> Text,
        api_used -> Nullable<Int4>,
        api_limit -> Nullable<Int4>,
        api_checked_at -> Nullable<Timestamptz>,
        created_by -> Nullable<Uuid>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    connector_links (tenant_id, connection_id, object, external_id) {
        tenant_id -> Uuid,
        connection_id -> Uuid,
        object -> Text,
        external_id -> Text,
        local_id -> Uuid,
        remote_modified -> Timestamptz,
        synced -> Jsonb,
        synced_at -> Timestamptz,
        push_pending -> Bool,
    }
}

diesel::table! {
    connector_retries (tenant_id, connection_id, object, external_id) {
        tenant_id -> Uuid,
        connection_id -> Uuid,
        object -> Text,
        external_id -> Text,
        message -> Text,
        attempts -> Int4,
        first_failed_at -> Timestamptz,
        last_failed_at -> Timestamptz,
    }
}

diesel::table! {
    connector_seen (tenant_id, connection_id, object, external_id) {
        tenant_id -> Uuid,
        connection_id -> Uuid,
        object -> Text,
        external_id -> Text,
    }
}

diesel::table! {
    contacts (tenant_id, id) {
        tenant_id -> Uuid,
        id -> Uuid,
        account_id -> Nullable<Uuid>,
        first_name -> Text,
        last_name -> Text,
        title -> Text,
        seniority -> Text,
        email -> Text,
        phone -> Text,
        linkedin_url -> Text,
        owner_id -> Nullable<Uuid>,
        custom -> Jsonb,
        external_source -> Nullable<Text>,
        external_id -> Nullable<Text>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        search_text -> Text,
        full_name -> Text,
    }
}

diesel::table! {
    custom_fields (tenant_id, object, key) {
        tenant_id -> Uuid,
        object -> Text,
        key -> Text,
        label -> Text,
        kind -> Text,
        options -> Array<Nullable<Text>>,
        position -> Int4,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    emails (id) {
        id -> Uuid,
        tenant_id -> Nullable<Uuid>,
        to_address -> Text,
        subject -> Text,
        body_text -> Text,
        state -> Text,
        last_error -> Nullable<Text>,
        created_at -> Timestamptz,
        sent_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    invitations (tenant_id, id) {
        tenant_id -> Uuid,
        id -> Uuid,
        email -> Text,
        role -> Text,
        token_hash -> Text,
        invited_by -> Uuid,
        created_at -> Timestamptz,
        expires_at -> Timestamptz,
        accepted_at -> Nullable<Timestamptz>,
        revoked_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    invoice_lines (tenant_id, invoice_id, position) {
        tenant_id -> Uuid,
        invoice_id -> Uuid,
        position -> Int2,
        kind -> Text,
        description -> Text,
        quantity -> Int8,
        amount_minor -> Int8,
    }
}

diesel::table! {
    invoices (tenant_id, id) {
        tenant_id -> Uuid,
        id -> Uuid,
        number -> Text,
        plan_id -> Text,
        period_start -> Timestamptz,
        period_end -> Timestamptz,
        currency -> Text,
        subtotal_minor -> Int8,
        tax_rate_bp -> Int4,
        tax_minor -> Int8,
        total_minor -> Int8,
        status -> Text,
        issued_at -> Timestamptz,
        paid_at -> Nullable<Timestamptz>,
        voided_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    job_schedules (name) {
        name -> Text,
        tenant_id -> Nullable<Uuid>,
        kind -> Text,
        queue -> Text,
        payload -> Jsonb,
        max_attempts -> Int4,
        every_secs -> Int4,
        next_run_at -> Timestamptz,
        last_run_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    jobs (id) {
        id -> Int8,
        tenant_id -> Nullable<Uuid>,
        kind -> Text,
        queue -> Text,
        payload -> Jsonb,
        priority -> Int2,
        state -> Text,
        run_at -> Timestamptz,
        attempts -> Int4,
        max_attempts -> Int4,
        last_error -> Nullable<Text>,
        locked_by -> Nullable<Text>,
        locked_until -> Nullable<Timestamptz>,
        dedup_key -> Nullable<Text>,
        created_at -> Timestamptz,
        finished_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    lead_import_errors (tenant_id, import_id, row_number) {
        tenant_id -> Uuid,
        import_id -> Uuid,
        row_number -> Int4,
        field -> Text,
        message -> Text,
        cells -> Array<Nullable<Text>>,
        value -> Text,
    }
}

diesel::table! {
    lead_import_rows (tenant_id, import_id, row_number) {
        tenant_id -> Uuid,
        import_id -> Uuid,
        row_number -> Int4,
        cells -> Array<Nullable<Text>>,
    }
}

diesel::table! {
    lead_imports (tenant_id, id) {
        tenant_id -> Uuid,
        id -> Uuid,
        created_by -> Nullable<Uuid>,
        file_name -> Text,
        headers -> Array<Nullable<Text>>,
        mapping -> Array<Nullable<Text>>,
        external_source -> Text,
        update_existing -> Bool,
        state -> Text,
        total_rows -> Int4,
        last_row -> Int4,
        created_count -> Int4,
        updated_count -> Int4,
        unchanged_count -> Int4,
        failed_count -> Int4,
        error -> Text,
        created_at -> Timestamptz,
        started_at -> Nullable<Timestamptz>,
        finished_at -> Nullable<Timestamptz>,
        number_format -> Text,
    }
}

diesel::table! {
    leads (tenant_id, id) {
        tenant_id -> Uuid,
        id -> Uuid,
        first_name -> Text,
        last_name -> Text,
        email -> Text,
        phone -> Text,
        title -> Text,
        company -> Text,
        domain -> Text,
        industry -> Text,
        employee_count -> Nullable<Int4>,
        country -> Text,
        source -> Text,
        status -> Text,
        score -> Int2,
        score_breakdown -> Jsonb,
        owner_id -> Nullable<Uuid>,
        first_activity_at -> Nullable<Timestamptz>,
        last_activity_at -> Nullable<Timestamptz>,
        converted_at -> Nullable<Timestamptz>,
        converted_account_id -> Nullable<Uuid>,
        converted_contact_id -> Nullable<Uuid>,
        converted_opportunity_id -> Nullable<Uuid>,
        custom -> Jsonb,
        external_source -> Nullable<Text>,
        external_id -> Nullable<Text>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        full_name -> Text,
        activity_sort -> Timestamptz,
        search_text -> Text,
        response_bucket -> Nullable<Int2>,
    }
}

diesel::table! {
    login_attempts (id) {
        id -> Int8,
        email -> Text,
        ip -> Text,
        succeeded -> Bool,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    memberships (tenant_id, user_id) {
        tenant_id -> Uuid,
        user_id -> Uuid,
        role -> Text,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    open_pipeline_changes (tenant_id, id) {
        tenant_id -> Uuid,
        id -> Int8,
        stage_id -> Uuid,
        owner_id -> Nullable<Uuid>,
        deals -> Int8,
        amount_minor -> Int8,
    }
}

diesel::table! {
    opportunities (tenant_id, id) {
        tenant_id -> Uuid,
        id -> Uuid,
        name -> Text,
        account_id -> Nullable<Uuid>,
        primary_contact_id -> Nullable<Uuid>,
        lead_id -> Nullable<Uuid>,
        amount_minor -> Int8,
        currency -> Text,
        stage_id -> Uuid,
        close_date -> Date,
        owner_id -> Nullable<Uuid>,
        forecast_category -> Nullable<Text>,
        next_step -> Text,
        lost_reason -> Text,
        stage_entered_at -> Timestamptz,
        closed_at -> Nullable<Timestamptz>,
        custom -> Jsonb,
        external_source -> Nullable<Text>,
        external_id -> Nullable<Text>,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        search_text -> Text,
        cycle_bucket -> Nullable<Int2>,
    }
}

diesel::table! {
    opportunity_contacts (tenant_id, opportunity_id, contact_id) {
        tenant_id -> Uuid,
        opportunity_id -> Uuid,
        contact_id -> Uuid,
        role -> Text,
    }
}

diesel::table! {
    opportunity_history (tenant_id, id) {
        tenant_id -> Uuid,
        id -> Int8,
        opportunity_id -> Uuid,
        stage_id -> Uuid,
        amount_minor -> Int8,
        close_date -> Date,
        changed_by -> Nullable<Uuid>,
        changed_at -> Timestamptz,
    }
}

diesel::table! {
    password_resets (id) {
        id -> Uuid,
        email -> Text,
        user_id -> Nullable<Uuid>,
        token_hash -> Nullable<Text>,
        ip -> Text,
        created_at -> Timestamptz,
        expires_at -> Timestamptz,
        used_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    people_tally_changes (tenant_id, id) {
        tenant_id -> Uuid,
        id -> Int8,
        day -> Date,
        user_id -> Nullable<Uuid>,
        response_bucket -> Nullable<Int2>,
        leads -> Int8,
        converted -> Int8,
        worked -> Int8,
        qualified -> Int8,
        activities -> Int8,
        folded -> Bool,
    }
}

diesel::table! {
    pipeline_snapshots (tenant_id, at, scope) {
        tenant_id -> Uuid,
        at -> Timestamptz,
        scope -> Text,
        open_count -> Int8,
        amount_minor -> Int8,
        weighted_minor -> Float8,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    pipeline_stages (tenant_id, id) {
        tenant_id -> Uuid,
        id -> Uuid,
        name -> Text,
        position -> Int4,
        probability -> Int2,
        forecast_category -> Text,
        kind -> Text,
    }
}

diesel::table! {
    plan_meters (plan_id, meter) {
        plan_id -> Text,
        meter -> Text,
        included -> Nullable<Int8>,
        overage_micros -> Nullable<Int8>,
    }
}

diesel::table! {
    plans (id) {
        id -> Text,
        name -> Text,
        currency -> Text,
        monthly_price_minor -> Int8,
        included_seats -> Int4,
        seat_price_minor -> Nullable<Int8>,
        connector_limit -> Nullable<Int4>,
        features -> Array<Nullable<Text>>,
        trial_days -> Int4,
        position -> Int4,
        offered -> Bool,
        updated_at -> Timestamptz,
    }
}

diesel::table! {
    qualification_extractions (tenant_id, id) {
        tenant_id -> Uuid,
        id -> Uuid,
        lead_id -> Nullable<Uuid>,
        opportunity_id -> Nullable<Uuid>,
        run_id -> Uuid,
        criteria -> Jsonb,
        questions -> Jsonb,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    qualification_overrides (tenant_id, id) {
        tenant_id -> Uuid,
        id -> Uuid,
        lead_id -> Nullable<Uuid>,
        opportunity_id -> Nullable<Uuid>,
        criterion -> Text,
        state -> Text,
        note -> Text,
        created_by -> Nullable<Uuid>,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    sales_settings (tenant_id) {
        tenant_id -> Uuid,
        currency -> Text,
        quarterly_quota_minor -> Int8,
    }
}

diesel::table! {
    saved_views (tenant_id, id) {
        tenant_id -> Uuid,
        id -> Uuid,
        user_id -> Uuid,
        object -> Text,
        name -> Text,
        query -> Text,
        shared -> Bool,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    sessions (tenant_id, id) {
        tenant_id -> Uuid,
        id -> Uuid,
        token_hash -> Text,
        user_id -> Uuid,
        ip -> Nullable<Text>,
        user_agent -> Nullable<Text>,
        created_at -> Timestamptz,
        expires_at -> Timestamptz,
    }
}

diesel::table! {
    stage_stall_limits (tenant_id, stage_id) {
        tenant_id -> Uuid,
        stage_id -> Uuid,
        percentile -> Int2,
        limit_days -> Nullable<Float8>,
        samples -> Int4,
        computed_at -> Timestamptz,
    }
}

diesel::table! {
    stripe_customers (tenant_id) {
        tenant_id -> Uuid,
        customer_id -> Text,
        email -> Text,
        event_at -> Timestamptz,
    }
}

diesel::table! {
    stripe_events (id) {
        id -> Text,
        #[sql_name = "type"]
        type_ -> Text,
        payload -> Jsonb,
        created_at -> Timestamptz,
        received_at -> Timestamptz,
        processed_at -> Nullable<Timestamptz>,
        outcome -> Text,
    }
}

diesel::table! {
    stripe_invoices (id) {
        id -> Text,
        tenant_id -> Uuid,
        number -> Nullable<Text>,
        status -> Text,
        amount_due -> Int8,
        amount_paid -> Int8,
        currency -> Text,
        hosted_url -> Nullable<Text>,
        event_at -> Timestamptz,
    }
}

diesel::table! {
    stripe_subscriptions (id) {
        id -> Text,
        tenant_id -> Uuid,
        status -> Text,
        current_period_end -> Nullable<Timestamptz>,
        cancel_at_period_end -> Bool,
        event_at -> Timestamptz,
    }
}

diesel::table! {
    subscription_changes (tenant_id, id) {
        tenant_id -> Uuid,
        id -> Uuid,
        from_plan_id -> Text,
        to_plan_id -> Text,
        takes_effect -> Text,
        proration_minor -> Int8,
        changed_by -> Nullable<Uuid>,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    subscriptions (tenant_id) {
        tenant_id -> Uuid,
        plan_id -> Text,
        status -> Text,
        period_start -> Timestamptz,
        period_end -> Timestamptz,
        trial_ends_at -> Nullable<Timestamptz>,
        cancel_at_period_end -> Bool,
        next_plan_id -> Nullable<Text>,
        canceled_at -> Nullable<Timestamptz>,
        seats -> Int4,
        created_at -> Timestamptz,
        updated_at -> Timestamptz,
        tax_rate_bp -> Int4,
    }
}

diesel::table! {
    sync_run_errors (tenant_id, run_id, seq) {
        tenant_id -> Uuid,
        run_id -> Uuid,
        seq -> Int8,
        object -> Text,
        external_id -> Text,
        direction -> Text,
        message -> Text,
        at -> Timestamptz,
    }
}

diesel::table! {
    sync_runs (tenant_id, id) {
        tenant_id -> Uuid,
        id -> Uuid,
        connection_id -> Uuid,
        trigger -> Text,
        state -> Text,
        object -> Text,
        counts -> Jsonb,
        api_calls -> Int4,
        error -> Text,
        requested_by -> Nullable<Uuid>,
        created_at -> Timestamptz,
        started_at -> Nullable<Timestamptz>,
        finished_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    tasks (tenant_id, id) {
        tenant_id -> Uuid,
        id -> Uuid,
        title -> Text,
        due_on -> Date,
        assignee_id -> Nullable<Uuid>,
        done_at -> Nullable<Timestamptz>,
        lead_id -> Nullable<Uuid>,
        contact_id -> Nullable<Uuid>,
        account_id -> Nullable<Uuid>,
        opportunity_id -> Nullable<Uuid>,
        created_by -> Nullable<Uuid>,
        created_at -> Timestamptz,
    }
}

diesel::table! {
    tenants (id) {
        id -> Uuid,
        name -> Text,
        created_at -> Timestamptz,
        suspended_at -> Nullable<Timestamptz>,
        suspended_reason -> Nullable<Text>,
    }
}

diesel::table! {
    usage_counters (tenant_id, meter, period_start) {
        tenant_id -> Uuid,
        meter -> Text,
        period_start -> Date,
        used -> Int8,
        reserved -> Int8,
        allowance -> Int8,
        warned_at -> Nullable<Timestamptz>,
    }
}

diesel::table! {
    usage_daily (tenant_id, meter, day) {
        tenant_id -> Uuid,
        meter -> Text,
        day -> Date,
        quantity -> Int8,
    }
}

diesel::table! {
    usage_events (tenant_id, id) {
        tenant_id -> Uuid,
        id -> Uuid,
        idempotency_key -> Text,
        meter -> Text,
        quantity -> Int8,
        occurred_at -> Timestamptz,
        source -> Text,
        period_start -> Date,
    }
}

diesel::table! {
    users (id) {
        id -> Uuid,
        email -> Text,
        name -> Text,
        password_hash -> Text,
        is_platform_admin -> Bool,
        created_at -> Timestamptz,
        deactivated_at -> Nullable<Timestamptz>,
    }
}

diesel::joinable!(accounts -> tenants (tenant_id));
diesel::joinable!(activities -> tenants (tenant_id));
diesel::joinable!(activities -> users (user_id));
diesel::joinable!(agent_automations -> tenants (tenant_id));
diesel::joinable!(agent_automations -> users (updated_by));
diesel::joinable!(agent_budgets -> tenants (tenant_id));
diesel::joinable!(agent_bulk_runs -> tenants (tenant_id));
diesel::joinable!(agent_bulk_runs -> users (created_by));
diesel::joinable!(agent_configs -> tenants (tenant_id));
diesel::joinable!(agent_configs -> users (created_by));
diesel::joinable!(agent_provider_keys -> tenants (tenant_id));
diesel::joinable!(agent_runs -> tenants (tenant_id));
diesel::joinable!(agent_runs -> users (created_by));
diesel::joinable!(agent_spend -> tenants (tenant_id));
diesel::joinable!(api_keys -> tenants (tenant_id));
diesel::joinable!(audit_log -> tenants (tenant_id));
diesel::joinable!(audit_log -> users (actor_id));
diesel::joinable!(closed_tally_changes -> tenants (tenant_id));
diesel::joinable!(connections -> tenants (tenant_id));
diesel::joinable!(contacts -> tenants (tenant_id));
diesel::joinable!(custom_fields -> tenants (tenant_id));
diesel::joinable!(emails -> tenants (tenant_id));
diesel::joinable!(invitations -> tenants (tenant_id));
diesel::joinable!(invitations -> users (invited_by));
diesel::joinable!(invoices -> plans (plan_id));
diesel::joinable!(invoices -> tenants (tenant_id));
diesel::joinable!(job_schedules -> tenants (tenant_id));
diesel::joinable!(jobs -> tenants (tenant_id));
diesel::joinable!(lead_imports -> tenants (tenant_id));
diesel::joinable!(leads -> tenants (tenant_id));
diesel::joinable!(memberships -> tenants (tenant_id));
diesel::joinable!(memberships -> users (user_id));
diesel::joinable!(open_pipeline_changes -> tenants (tenant_id));
diesel::joinable!(opportunities -> tenants (tenant_id));
diesel::joinable!(opportunity_history -> users (changed_by));
diesel::joinable!(password_resets -> users (user_id));
diesel::joinable!(people_tally_changes -> tenants (tenant_id));
diesel::joinable!(pipeline_snapshots -> tenants (tenant_id));
diesel::joinable!(pipeline_stages -> tenants (tenant_id));
diesel::joinable!(plan_meters -> plans (plan_id));
diesel::joinable!(qualification_extractions -> tenants (tenant_id));
diesel::joinable!(qualification_overrides -> tenants (tenant_id));
diesel::joinable!(qualification_overrides -> users (created_by));
diesel::joinable!(sales_settings -> tenants (tenant_id));
diesel::joinable!(saved_views -> tenants (tenant_id));
diesel::joinable!(stage_stall_limits -> tenants (tenant_id));
diesel::joinable!(stripe_customers -> tenants (tenant_id));
diesel::joinable!(stripe_invoices -> tenants (tenant_id));
diesel::joinable!(stripe_subscriptions -> tenants (tenant_id));
diesel::joinable!(subscription_changes -> tenants (tenant_id));
diesel::joinable!(subscription_changes -> users (changed_by));
diesel::joinable!(subscriptions -> tenants (tenant_id));
diesel::joinable!(tasks -> tenants (tenant_id));
diesel::joinable!(tasks -> users (created_by));
diesel::joinable!(usage_counters -> tenants (tenant_id));
diesel::joinable!(usage_daily -> tenants (tenant_id));
diesel::joinable!(usage_events -> tenants (tenant_id));

diesel::allow_tables_to_appear_in_same_query!(
    accounts,
    activities,
    agent_automations,
    agent_budgets,
    agent_bulk_runs,
    agent_configs,
    agent_minutes_saved,
    agent_provider_keys,
    agent_runs,
    agent_spend,
    api_keys,
    audit_log,
    closed_tally_changes,
    connection_objects,
    connections,
    connector_links,
    connector_retries,
    connector_seen,
    contacts,
    custom_fields,
    emails,
    invitations,
    invoice_lines,
    invoices,
    job_schedules,
    jobs,
    lead_import_errors,
    lead_import_rows,
    lead_imports,
    leads,
    login_attempts,
    memberships,
    open_pipeline_changes,
    opportunities,
    opportunity_contacts,
    opportunity_history,
    password_resets,
    people_tally_changes,
    pipeline_snapshots,
    pipeline_stages,
    plan_meters,
    plans,
    qualification_extractions,
    qualification_overrides,
    sales_settings,
    saved_views,
    sessions,
    stage_stall_limits,
    stripe_customers,
    stripe_events,
    stripe_invoices,
    stripe_subscriptions,
    subscription_changes,
    subscriptions,
    sync_run_errors,
    sync_runs,
    tasks,
    tenants,
    usage_counters,
    usage_daily,
    usage_events,
    users,
);
