//! Workspace areas whose features arrive with later issues. Each says plainly what will be
//! here; none shows invented data.

use crate::components::{EmptyState, PageHeader};
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
fn Upcoming(
    title: &'static str,
    description: &'static str,
    empty_title: &'static str,
    empty_body: &'static str,
) -> impl IntoView {
    view! {
        <Title text=title/>
        <PageHeader title=title description=description/>
        <EmptyState title=empty_title body=empty_body/>
    }
}

#[component]
pub fn AgentsPage() -> impl IntoView {
    view! {
        <Upcoming
            title="Agents"
            description="Prospector, Qualifier, Outreach Composer, Pipeline Analyst and Deal Coach."
            empty_title="No agents configured"
            empty_body="Agent configuration is not built yet. Each agent will get a versioned configuration and a record of every run."
        />
    }
}
