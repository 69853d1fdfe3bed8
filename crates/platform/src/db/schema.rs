//! Diesel's view of the tables created by `migrations/`. Written by hand; keep in step.

diesel::table! {
    tenants (id) {
        id -> Uuid,
        name -> Text,
        created_at -> Timestamptz,
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
    audit_log (tenant_id, id) {
        tenant_id -> Uuid,
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
    login_attempts (id) {
        id -> Int8,
        email -> Text,
        ip -> Text,
        succeeded -> Bool,
        created_at -> Timestamptz,
    }
}

diesel::joinable!(memberships -> tenants (tenant_id));
diesel::joinable!(memberships -> users (user_id));
diesel::joinable!(invitations -> users (invited_by));
diesel::joinable!(invitations -> tenants (tenant_id));
diesel::joinable!(sessions -> users (user_id));
diesel::joinable!(sessions -> tenants (tenant_id));

diesel::allow_tables_to_appear_in_same_query!(
    tenants,
    users,
    memberships,
    sessions,
    invitations,
    audit_log,
    login_attempts,
);
