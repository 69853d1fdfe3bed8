//! The path segments of the pages the sidebar links to, written once: the sidebar's entries
//! (`SalesHunter::navigation` builds each `NavItem::href` with [`href`]) and the router's
//! routes (`app/src/root.rs`, `StaticSegment(paths::X)`) both use these, so the two cannot
//! drift apart. The dashboard is the root.

pub const LEADS: &str = "leads";
pub const ACCOUNTS: &str = "accounts";
pub const CONTACTS: &str = "contacts";
pub const PIPELINE: &str = "pipeline";
pub const AGENTS: &str = "agents";
pub const CONNECTORS: &str = "connectors";
pub const SETTINGS: &str = "settings";
/// Under [`SETTINGS`].
pub const SALES_SETTINGS: &str = "sales";

/// The href of a page from its segments: `href(&[SETTINGS, SALES_SETTINGS])` is
/// `/settings/sales`, `href(&[])` the dashboard.
pub fn href(segments: &[&str]) -> String {
    let mut out = String::new();
    for s in segments {
        out.push('/');
        out.push_str(s);
    }
    if out.is_empty() {
        out.push('/');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hrefs_join_segments_under_the_root() {
        assert_eq!(href(&[]), "/");
        assert_eq!(href(&[PIPELINE]), "/pipeline");
        assert_eq!(href(&[SETTINGS, SALES_SETTINGS]), "/settings/sales");
    }
}
