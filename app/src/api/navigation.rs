//! What the shell shows around every page.

use leptos::prelude::*;
use models::vertical::NavItem;
use models::AppError;

/// The sidebar entries of the verticals this server runs, for a signed-in user.
#[server(endpoint = "list_navigation")]
pub async fn list_navigation() -> Result<Vec<NavItem>, AppError> {
    use super::ssr::*;
    require_user()?;
    Ok(state()?.verticals.navigation())
}
