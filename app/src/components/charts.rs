//! Charts as SVG drawn on the server: readable without JavaScript, and each has a text
//! alternative (a title and a description listing its figures).

use leptos::prelude::*;

/// Horizontal bars, one per label; `format` renders a value.
#[component]
pub fn BarChart(
    #[prop(into)] title: String,
    bars: Vec<(String, i64)>,
    format: fn(i64) -> String,
    #[prop(optional, into)] test_id: Option<String>,
) -> impl IntoView {
    let max = bars.iter().map(|b| b.1).max().unwrap_or(0).max(1);
    let row = 28;
    let height = (bars.len() as i32 * row).max(row);
    let description = bars
        .iter()
        .map(|(l, v)| format!("{l}: {}", format(*v)))
        .collect::<Vec<_>>()
        .join("; ");
    let title_id = format!("chart-{}", title.to_lowercase().replace(' ', "-"));
    view! {
        <figure class="rounded-lg bg-white p-5 shadow-sm ring-1 ring-slate-200" data-testid=test_id>
            <figcaption id=title_id.clone() class="text-sm font-semibold">{title.clone()}</figcaption>
            <svg viewBox=format!("0 0 400 {height}") class="mt-3 w-full" role="img" aria-labelledby=title_id.clone()>
                <title>{title.clone()}</title>
                <desc>{description}</desc>
                {bars.into_iter().enumerate().map(|(i, (label, value))| {
                    let y = i as i32 * row;
                    let width = (value.max(0) as f64 / max as f64 * 200.0).round() as i32;
                    view! {
                        <g>
                            <text x="0" y=y + 18 font-size="12" fill="#334155">{label}</text>
                            <rect x="120" y=y + 6 width=width.max(1) height="16" rx="3" fill="#6366f1"></rect>
                            <text x=126 + width y=y + 18 font-size="12" fill="#0f172a">{format(value)}</text>
                        </g>
                    }
                }).collect_view()}
            </svg>
        </figure>
    }
}

/// A count over time: one column per point (a day, a month), labelled at both ends.
#[component]
pub fn TrendChart(
    #[prop(into)] title: String,
    points: Vec<(String, i64)>,
    format: fn(i64) -> String,
    #[prop(optional, into)] test_id: Option<String>,
) -> impl IntoView {
    let max = points.iter().map(|p| p.1).max().unwrap_or(0).max(1);
    let n = points.len().max(1) as i32;
    let (width, height) = (800, 120);
    let step = width / n;
    let total: i64 = points.iter().map(|p| p.1).sum();
    let description = points
        .iter()
        .map(|(l, v)| format!("{l}: {}", format(*v)))
        .collect::<Vec<_>>()
        .join("; ");
    let first = points.first().map(|p| p.0.clone()).unwrap_or_default();
    let last = points.last().map(|p| p.0.clone()).unwrap_or_default();
    let title_id = format!("trend-{}", title.to_lowercase().replace(' ', "-"));
    view! {
        <figure class="rounded-lg bg-white p-5 shadow-sm ring-1 ring-slate-200" data-testid=test_id>
            <figcaption id=title_id.clone() class="flex justify-between text-sm">
                <span class="font-semibold">{title.clone()}</span>
                <span class="text-slate-600">{format!("{} in all", format(total))}</span>
            </figcaption>
            <svg viewBox=format!("0 0 {width} {}", height + 22) class="mt-3 w-full" role="img" aria-labelledby=title_id.clone()>
                <title>{title.clone()}</title>
                <desc>{description}</desc>
                {points.into_iter().enumerate().map(|(i, (_, value))| {
                    let h = (value.max(0) as f64 / max as f64 * f64::from(height)).round() as i32;
                    view! {
                        <rect x=i as i32 * step + 1 y=height - h width=(step - 2).max(1) height=h.max(1) rx="1" fill="#6366f1"></rect>
                    }
                }).collect_view()}
                <text x="0" y=height + 18 font-size="16" fill="#475569">{first}</text>
                <text x=width y=height + 18 font-size="16" fill="#475569" text-anchor="end">{last}</text>
            </svg>
        </figure>
    }
}

/// Won and lost counts side by side per period.
#[component]
pub fn WonLostChart(#[prop(into)] title: String, points: Vec<(String, i64, i64)>) -> impl IntoView {
    let max = points
        .iter()
        .map(|p| p.1.max(p.2))
        .max()
        .unwrap_or(0)
        .max(1);
    let width = (points.len() as i32 * 60).max(60);
    let description = points
        .iter()
        .map(|(l, w, lo)| format!("{l}: {w} won, {lo} lost"))
        .collect::<Vec<_>>()
        .join("; ");
    let title_id = format!("chart-{}", title.to_lowercase().replace(' ', "-"));
    view! {
        <figure class="rounded-lg bg-white p-5 shadow-sm ring-1 ring-slate-200" data-testid="won-lost-chart">
            <figcaption id=title_id.clone() class="flex items-center justify-between text-sm font-semibold">
                {title.clone()}
                <span class="flex gap-3 text-xs font-normal text-slate-700">
                    <span><span class="mr-1 inline-block size-2 rounded-sm bg-emerald-600" aria-hidden="true"></span>"Won"</span>
                    <span><span class="mr-1 inline-block size-2 rounded-sm bg-rose-600" aria-hidden="true"></span>"Lost"</span>
                </span>
            </figcaption>
            <svg viewBox=format!("0 0 {width} 140") class="mt-3 w-full" role="img" aria-labelledby=title_id>
                <title>{title.clone()}</title>
                <desc>{description}</desc>
                {points.into_iter().enumerate().map(|(i, (label, won, lost))| {
                    let x = i as i32 * 60 + 10;
                    let h = |v: i64| (v as f64 / max as f64 * 100.0).round() as i32;
                    view! {
                        <g>
                            <rect x=x y=110 - h(won) width="18" height=h(won).max(1) fill="#059669"></rect>
                            <rect x=x + 20 y=110 - h(lost) width="18" height=h(lost).max(1) fill="#e11d48"></rect>
                            <text x=x y="128" font-size="11" fill="#334155">{label}</text>
                            <text x=x y=104 - h(won) font-size="10" fill="#0f172a">{won}</text>
                            <text x=x + 20 y=104 - h(lost) font-size="10" fill="#0f172a">{lost}</text>
                        </g>
                    }
                }).collect_view()}
            </svg>
        </figure>
    }
}
