//! What the shell shows around every page.

use leptos::prelude::*;
use models::vertical::NavItem;
use models::AppError;

/// The sidebar entries of the verticals this server runs, for a signed-in user, then the
/// platform's own that the user's role may open.
#[server(endpoint = "list_navigation")]
pub async fn list_navigation() -> Result<Vec<NavItem>, AppError> {
    use super::ssr::*;
    let ctx = require_user()?;
    let mut items = state()?.verticals.navigation();
    if ctx.role.at_least(models::Role::Admin) {
        items.push(NavItem {
            href: models::billing::PATH.into(),
            label: "Billing".into(),
            icon: "¤".into(),
        });
        items.push(NavItem {
            href: models::api_keys::PATH.into(),
            label: "API keys".into(),
            icon: "⚿".into(),
        });
    }
    Ok(items)
}
