//! What a vertical (a product built on the platform, such as Sales Hunter) shows the browser.

use serde::{Deserialize, Serialize};

/// One entry of the sidebar.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NavItem {
    pub href: String,
    pub label: String,
    /// A single glyph shown before the label (decorative).
    pub icon: String,
}

/// A KPI a vertical offers: what it is called and what it means, in one line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KpiDefinition {
    pub key: String,
    pub label: String,
    pub definition: String,
}
