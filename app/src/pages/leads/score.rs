//! A lead's score where the rep works: the grade, every point of fit and engagement with
//! its reason, how they combine, and the Prospector's research brief on demand.

use crate::pages::agents::live::LiveRunForm;
use leptos::prelude::*;
use models::sales::lead::{Lead, ScoreReason};

fn points_class(points: i16) -> &'static str {
    if points < 0 {
        "tabular-nums text-red-700"
    } else {
        "tabular-nums text-emerald-700"
    }
}

#[component]
fn Lines(title: &'static str, lines: Vec<ScoreReason>) -> impl IntoView {
    let total: i32 = lines.iter().map(|r| i32::from(r.points)).sum();
    let shown = total.clamp(0, 100);
    view! {
        <div class="mt-3">
            <h3 class="flex justify-between text-xs font-semibold uppercase tracking-wide text-slate-600">
                <span>{title}</span>
                <span class="tabular-nums">{shown}</span>
            </h3>
            <ul class="mt-1 space-y-1 text-sm">
                {lines.iter().map(|r| view! {
                    <li class="flex justify-between gap-3">
                        <span>{r.label.clone()}</span>
                        <span class=points_class(r.points)>{format!("{:+}", r.points)}</span>
                    </li>
                }).collect_view()}
                {lines.is_empty().then(|| view! { <li class="text-slate-600">"Nothing yet."</li> })}
            </ul>
        </div>
    }
}

#[component]
pub fn ScorePanel(lead: Lead) -> impl IntoView {
    let group = |g: &str| -> Vec<ScoreReason> {
        lead.score_breakdown
            .iter()
            .filter(|r| r.group == g)
            .cloned()
            .collect()
    };
    let (fit, engagement) = (group("fit"), group("engagement"));
    let combined = lead
        .score_breakdown
        .iter()
        .find(|r| r.group == "combined")
        .map(|r| r.label.clone());
    let legacy: Vec<ScoreReason> = group("");
    let heading = if lead.grade.is_empty() {
        format!("Score: {}", lead.score)
    } else {
        format!("Score: {} · grade {}", lead.score, lead.grade)
    };
    view! {
        <section class="rounded-lg bg-white p-6 shadow-sm ring-1 ring-slate-200" aria-labelledby="score-h" data-testid="score-panel">
            <h2 id="score-h" class="text-base font-semibold">{heading}</h2>
            <p class="mt-1 text-xs text-slate-600">
                "By the Prospector's rules against your ideal customer profile; no model decides a score. "
                <a class="underline" href="/agents/prospector">"Edit the profile"</a>
            </p>
            <div data-testid="score-reasons">
                {(!legacy.is_empty()).then(|| view! { <Lines title="Earlier rules" lines=legacy.clone()/> })}
                <Lines title="Fit" lines=fit/>
                <Lines title="Engagement" lines=engagement/>
                {combined.map(|c| view! { <p class="mt-3 text-xs text-slate-600" data-testid="score-combined">{c}</p> })}
            </div>
            <LiveRunForm agent="prospector" subject_kind="lead" subject_id=lead.id.to_string() label="Write a research brief" testid="research-brief"/>
        </section>
    }
}
