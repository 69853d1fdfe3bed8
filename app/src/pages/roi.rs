//! The agents' return, as a panel: on the organisation's dashboard (managers and up) and on
//! its page in the admin console. Every figure shows its definition.

use crate::components::KpiCard;
use leptos::prelude::*;
use models::agents::roi::{RoiView, HOURS_DEFINITION, INFLUENCED_DEFINITION, WIN_RATE_DEFINITION};
use models::sales::format_money;

fn rate(bp: Option<i64>) -> String {
    bp.map_or_else(
        || "—".to_string(),
        |bp| format!("{:.1} %", bp as f64 / 100.0),
    )
}

#[component]
pub fn RoiPanel(roi: RoiView) -> impl IntoView {
    let per_agent = roi
        .agents
        .iter()
        .map(|a| {
            format!(
                "{}: {} runs × {} min",
                a.agent.label(),
                a.runs,
                a.minutes_per_run
            )
        })
        .collect::<Vec<_>>()
        .join("; ");
    view! {
        <section class="mt-8" aria-labelledby="roi-h" data-testid="roi">
            <h2 id="roi-h" class="text-lg font-semibold">"What the agents are worth"</h2>
            <dl class="mt-3 grid gap-4 sm:grid-cols-2 lg:grid-cols-4">
                <KpiCard label="Hours saved, 90 days" value=roi.hours_saved() hint=format!("{HOURS_DEFINITION} {per_agent}") test_id="roi-hours"/>
                <KpiCard label="Pipeline influenced" value=format_money(roi.influenced_minor, &roi.currency, true)
                    hint=format!("{} deals. {INFLUENCED_DEFINITION}", roi.influenced_deals) test_id="roi-influenced"/>
                <KpiCard label="Win rate, agent-touched" value=rate(roi.touched.bp())
                    hint=format!("{} won of {} closed. {WIN_RATE_DEFINITION}", roi.touched.won, roi.touched.closed) test_id="roi-touched"/>
                <KpiCard label="Win rate, the rest" value=rate(roi.rest.bp())
                    hint=format!("{} won of {} closed.", roi.rest.won, roi.rest.closed) test_id="roi-rest"/>
            </dl>
        </section>
    }
}
