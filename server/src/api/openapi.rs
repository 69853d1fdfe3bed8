//! The API's OpenAPI 3.1 document, generated from the handlers' `#[utoipa::path]` and the
//! models' types (their `openapi` feature), never written by hand. Served at
//! [`OPENAPI_PATH`] to anyone: it describes, it grants nothing.

use axum::http::header;
use axum::response::IntoResponse;
use std::sync::OnceLock;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

pub use models::api_keys::OPENAPI_PATH;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Sales Hunter API",
        description = "Leads, accounts, contacts, opportunities and activities of one organisation, \
            for its own tools; and the admin console's data for platform admins. Authenticate with \
            an API key (`Authorization: Bearer shk_…`), made by an owner or admin under Settings → \
            API keys. A key acts as the member who made it, with their current role; a read key \
            may only GET. Each key has a rate per minute (`429` with `Retry-After` past it, \
            `X-RateLimit-*` headers on every answer), and every call counts on the plan's \
            `api_calls` meter (`402` once a capped plan's calls are used up). Errors are \
            `{\"kind\": …}` objects; a `validation` error names its `field`. Lists page with \
            keyset cursors: pass a page's `next` as `after`."
    ),
    paths(
        super::leads::list_leads, super::leads::get_lead, super::leads::create_lead,
        super::leads::update_lead, super::leads::delete_lead,
        super::records::list_accounts, super::records::get_account, super::records::create_account,
        super::records::update_account, super::records::delete_account,
        super::records::list_contacts, super::records::get_contact, super::records::create_contact,
        super::records::update_contact, super::records::delete_contact,
        super::opportunities::list_opportunities, super::opportunities::get_opportunity,
        super::opportunities::create_opportunity, super::opportunities::update_opportunity,
        super::opportunities::delete_opportunity,
        super::activities::list_activities, super::activities::log_activity,
        super::admin::list_tenants, super::admin::list_users, super::admin::list_billing,
        super::admin::list_plans, super::admin::list_audit,
    ),
    modifiers(&BearerKey, &CommonAnswers),
    tags(
        (name = "leads", description = "People and their companies before they qualify"),
        (name = "accounts", description = "Companies"),
        (name = "contacts", description = "People at accounts"),
        (name = "opportunities", description = "Deals in the pipeline"),
        (name = "activities", description = "Calls, e-mails, meetings and notes"),
        (name = "admin", description = "The installation, for platform admins' keys only"),
    )
)]
pub struct ApiDoc;

struct BearerKey;

impl Modify for BearerKey {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "api_key",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some("An API key: `shk_` and 64 hex digits"))
                    .build(),
            ),
        );
    }
}

/// What any operation may answer besides its own: no or a bad key, a refusal (a read
/// key writing, the member's role), the plan's cap, the key's rate.
struct CommonAnswers;

impl Modify for CommonAnswers {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::{ContentBuilder, Ref, ResponseBuilder};
        let answers = [
            (
                "401",
                "No API key, or one that is unknown, revoked or whose member can no longer sign in",
            ),
            (
                "403",
                "The key may only read, or its member's role does not allow this",
            ),
            ("402", "The plan's API calls for this period are used up"),
            (
                "429",
                "The key's requests per minute are spent; see Retry-After",
            ),
        ];
        for item in openapi.paths.paths.values_mut() {
            let operations = [
                &mut item.get,
                &mut item.post,
                &mut item.patch,
                &mut item.delete,
            ];
            for op in operations.into_iter().flatten() {
                for (status, description) in answers {
                    op.responses
                        .responses
                        .entry(status.to_string())
                        .or_insert_with(|| {
                            ResponseBuilder::new()
                                .description(description)
                                .content(
                                    "application/json",
                                    ContentBuilder::new()
                                        .schema(Some(Ref::from_schema_name("AppError")))
                                        .build(),
                                )
                                .into()
                        });
                }
            }
        }
    }
}

/// The document as JSON, built once.
pub fn document() -> &'static str {
    static DOC: OnceLock<String> = OnceLock::new();
    DOC.get_or_init(|| {
        ApiDoc::openapi().to_pretty_json().unwrap_or_else(|e| {
            tracing::error!(error = %e, "the OpenAPI document did not serialise");
            "{}".into()
        })
    })
}

pub async fn serve_openapi() -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "application/json")], document())
}
