//! The console's overview: the job queue (dead jobs can be retried) and the dev mailbox.

use super::when;
use crate::api::admin::{list_emails, list_jobs, RetryJob};
use crate::components::{Badge, Button, ButtonVariant, EmptyState, Tone, FOCUS_RING};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use models::jobs::{JobCounts, JobState, JobSummary};
use models::mail::EmailSummary;

fn state_tone(state: JobState) -> Tone {
    match state {
        JobState::Pending => Tone::Info,
        JobState::Running => Tone::Warning,
        JobState::Done => Tone::Success,
        JobState::Dead => Tone::Danger,
    }
}

fn count_of(counts: &JobCounts, state: JobState) -> i64 {
    match state {
        JobState::Pending => counts.pending,
        JobState::Running => counts.running,
        JobState::Done => counts.done,
        JobState::Dead => counts.dead,
    }
}

#[component]
pub(super) fn JobsSection() -> impl IntoView {
    let shown = use_query_map().with_untracked(|q| {
        q.get("jobs")
            .and_then(|s| JobState::parse(&s))
            .unwrap_or(JobState::Dead)
    });
    let retry = ServerAction::<RetryJob>::new();
    let jobs = Resource::new(move || retry.version().get(), move |_| list_jobs(shown));
    view! {
        <section class="mt-10" aria-labelledby="jobs-heading">
            <h2 id="jobs-heading" class="text-lg font-semibold">"Background jobs"</h2>
            <Suspense fallback=|| view! { <p class="text-sm text-slate-600">"Loading jobs…"</p> }>
                {move || Suspend::new(async move {
                    match jobs.await {
                        Err(e) => view! { <p class="text-sm text-red-700" role="alert">{e.to_string()}</p> }.into_any(),
                        Ok((counts, list)) => view! {
                            <nav class="mt-3 flex flex-wrap gap-2" aria-label="Job states">
                                {JobState::ALL.into_iter().map(|s| {
                                    let current = s == shown;
                                    view! {
                                        <a
                                            href=format!("/admin?jobs={}", s.as_str())
                                            aria-current=current.then_some("page")
                                            class=format!("rounded-md px-3 py-1.5 text-sm font-medium ring-1 ring-slate-200 hover:bg-slate-100 aria-[current=page]:bg-slate-900 aria-[current=page]:text-white {FOCUS_RING}")
                                        >
                                            {format!("{} ({})", s.as_str(), count_of(&counts, s))}
                                        </a>
                                    }
                                }).collect_view()}
                            </nav>
                            <JobList list retry/>
                        }
                        .into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn JobList(list: Vec<JobSummary>, retry: ServerAction<RetryJob>) -> impl IntoView {
    if list.is_empty() {
        return view! { <p class="mt-4 text-sm text-slate-600" data-testid="no-jobs">"No jobs in this state."</p> }.into_any();
    }
    view! {
        <div class="mt-4 overflow-x-auto rounded-lg bg-white ring-1 ring-slate-200">
            <table class="min-w-full divide-y divide-slate-200 text-sm" data-testid="jobs">
                <thead class="bg-slate-50 text-left text-xs font-medium uppercase tracking-wide text-slate-600">
                    <tr>
                        <th scope="col" class="px-3 py-2">"Job"</th>
                        <th scope="col" class="px-3 py-2">"State"</th>
                        <th scope="col" class="px-3 py-2">"Organisation"</th>
                        <th scope="col" class="px-3 py-2">"Attempts"</th>
                        <th scope="col" class="px-3 py-2">"Due / finished"</th>
                        <th scope="col" class="px-3 py-2">"Last error"</th>
                        <th scope="col" class="px-3 py-2"><span class="sr-only">"Actions"</span></th>
                    </tr>
                </thead>
                <tbody class="divide-y divide-slate-100">
                    {list.into_iter().map(|j| view! {
                        <tr>
                            <td class="px-3 py-2 font-mono text-xs">{format!("#{} {}", j.id, j.kind)}</td>
                            <td class="px-3 py-2"><Badge tone=state_tone(j.state)>{j.state.as_str()}</Badge></td>
                            <td class="px-3 py-2">{j.tenant_name.clone().unwrap_or_else(|| "—".into())}</td>
                            <td class="px-3 py-2">{format!("{} / {}", j.attempts, j.max_attempts)}</td>
                            <td class="px-3 py-2 whitespace-nowrap">{when(j.finished_at.unwrap_or(j.run_at))}</td>
                            <td class="max-w-md truncate px-3 py-2 text-slate-700" title=j.last_error.clone().unwrap_or_default()>
                                {j.last_error.clone().unwrap_or_default()}
                            </td>
                            <td class="px-3 py-2 text-right">
                                {(j.state == JobState::Dead).then(|| view! {
                                    <ActionForm action=retry>
                                        <input type="hidden" name="id" value=j.id.to_string()/>
                                        <Button kind="submit" variant=ButtonVariant::Secondary>"Retry"</Button>
                                    </ActionForm>
                                })}
                            </td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
    .into_any()
}

#[component]
pub(super) fn MailboxSection() -> impl IntoView {
    let mails = Resource::new(|| (), |_| list_emails());
    view! {
        <section class="mt-10" aria-labelledby="mailbox-heading">
            <h2 id="mailbox-heading" class="text-lg font-semibold">"Mailbox"</h2>
            <p class="mt-1 text-sm text-slate-600">
                "The newest mail. Without SMTP_URL nothing is sent: messages stay here (state “logged”) so links can still be followed."
            </p>
            <Suspense fallback=|| view! { <p class="text-sm text-slate-600">"Loading mail…"</p> }>
                {move || Suspend::new(async move {
                    match mails.await {
                        Err(e) => view! { <p class="text-sm text-red-700" role="alert">{e.to_string()}</p> }.into_any(),
                        Ok(list) if list.is_empty() => view! {
                            <EmptyState title="No mail yet" body="Invitations and password resets appear here."/>
                        }
                        .into_any(),
                        Ok(list) => view! {
                            <ul class="mt-4 space-y-2" data-testid="mailbox">
                                {list.into_iter().map(mail_item).collect_view()}
                            </ul>
                        }
                        .into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

fn mail_item(m: EmailSummary) -> impl IntoView {
    let tone = match m.state.as_str() {
        "sent" => Tone::Success,
        "failed" => Tone::Danger,
        "queued" => Tone::Info,
        _ => Tone::Neutral,
    };
    view! {
        <li class="rounded-lg bg-white ring-1 ring-slate-200">
            <details>
                <summary class=format!("flex cursor-pointer flex-wrap items-center gap-x-3 gap-y-1 px-4 py-3 text-sm {FOCUS_RING}")>
                    <Badge tone=tone>{m.state.clone()}</Badge>
                    <span class="font-medium">{m.subject.clone()}</span>
                    <span class="text-slate-600">{format!("to {}", m.to)}</span>
                    <span class="ml-auto text-xs text-slate-600">{when(m.created_at)}</span>
                </summary>
                <pre class="overflow-x-auto whitespace-pre-wrap border-t border-slate-100 px-4 py-3 text-sm text-slate-800">{m.body.clone()}</pre>
                {m.last_error.map(|e| view! { <p class="px-4 pb-3 text-sm text-red-700">{e}</p> })}
            </details>
        </li>
    }
}
