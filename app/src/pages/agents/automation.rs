//! An agent card's runs beyond the manual one: a bulk run over one of its scopes with its
//! progress (and a cancel), and its automation: a schedule and the record events it runs on.

use crate::api::agents::{CancelBulkRun, SaveAgentAutomation, StartBulkRun};
use crate::components::*;
use crate::format;
use leptos::prelude::*;
use models::agents::automation::{
    Automation, BulkRunView, BulkScope, ScheduleEvery, WorkflowEvent,
};
use models::agents::run::RunTrigger;
use models::agents::views::AgentCard;

#[derive(Clone, Copy)]
pub(crate) struct AutomationActions {
    pub start: ServerAction<StartBulkRun>,
    pub cancel: ServerAction<CancelBulkRun>,
    pub save: ServerAction<SaveAgentAutomation>,
}

impl AutomationActions {
    pub fn new() -> AutomationActions {
        let a = AutomationActions {
            start: ServerAction::new(),
            cancel: ServerAction::new(),
            save: ServerAction::new(),
        };
        toast_results(a.start, "Bulk run started.");
        toast_results(a.cancel, "Bulk run canceled.");
        toast_results(a.save, "Automation saved.");
        a
    }

    /// Changes whenever one of them succeeds: the page loads its data again.
    pub fn version(&self) -> usize {
        self.start.version().get() + self.cancel.version().get() + self.save.version().get()
    }
}

fn scope_label(scopes: &[BulkScope], key: &str) -> String {
    scopes
        .iter()
        .find(|s| s.key == key)
        .map_or_else(|| key.to_string(), |s| s.label.clone())
}

fn options(scopes: &[BulkScope]) -> Vec<(String, String)> {
    scopes
        .iter()
        .map(|s| (s.key.clone(), s.label.clone()))
        .collect()
}

#[component]
fn Progress(
    b: BulkRunView,
    scopes: Vec<BulkScope>,
    can_configure: bool,
    cancel: ServerAction<CancelBulkRun>,
) -> impl IntoView {
    let state = match b.state.as_str() {
        "running" => "Running".to_string(),
        "finished" => "Finished".to_string(),
        "canceled" => "Canceled".to_string(),
        "stopped" => format!("Stopped: {}", b.error),
        other => other.to_string(),
    };
    let kind = if b.trigger == RunTrigger::Schedule {
        "Scheduled"
    } else {
        "Bulk"
    };
    let heading = format!(
        "{kind} run over {} · {}",
        scope_label(&scopes, &b.scope).to_lowercase(),
        b.progress()
    );
    let by = format!(
        "Started {}{}",
        format::when(b.started_at),
        if b.started_by.is_empty() {
            String::new()
        } else {
            format!(" by {}", b.started_by)
        }
    );
    view! {
        <div class="mt-3 rounded-md bg-slate-50 p-3 text-xs ring-1 ring-slate-200" data-testid="bulk-run">
            <p class="font-semibold text-slate-800">{heading}</p>
            <progress class="mt-1 w-full" max=b.total.max(1).to_string() value=b.done.min(b.total.max(1)).to_string()
                aria-label="Bulk run progress"></progress>
            <p class="mt-1 text-slate-700" data-testid="bulk-run-state">{state}</p>
            <p class="text-slate-600">{by}</p>
            <a class="underline" href="/agents/runs">"See its runs"</a>
            {(can_configure && b.running()).then(|| view! {
                <ActionForm action=cancel attr:class="mt-2">
                    <input type="hidden" name="id" value=b.id.to_string()/>
                    <Button kind="submit" variant=ButtonVariant::Secondary>"Cancel the bulk run"</Button>
                </ActionForm>
            })}
        </div>
    }
}

#[component]
fn AutomationForm(
    agent: &'static str,
    current: Automation,
    scopes: Vec<BulkScope>,
    events: Vec<WorkflowEvent>,
    save: ServerAction<SaveAgentAutomation>,
) -> impl IntoView {
    let run_on = current.run_on.clone();
    let check = move |e: WorkflowEvent| {
        let name = format!("on_{}", e.as_str());
        let on = run_on.contains(&e);
        view! {
            <label class="flex items-center gap-2 text-sm">
                <input type="checkbox" name=name value="true" checked=on/>
                {format!("When {}", e.label().to_lowercase())}
            </label>
        }
    };
    view! {
        <ActionForm action=save attr:class="mt-3 space-y-2" attr:data-testid=format!("automation-{agent}")>
            <input type="hidden" name="agent" value=agent/>
            <Select label="Run on a schedule" name="schedule" options=ScheduleEvery::options()
                selected=current.schedule.as_str().to_string() error=field_error(save, "schedule") id_suffix=agent/>
            <Select label="Over" name="scope" options=options(&scopes)
                selected=current.scope.clone() error=field_error(save, "scope") id_suffix=agent/>
            {events.into_iter().map(check).collect_view()}
            <FormAlert message=form_error(save, &["schedule", "scope"])/>
            <Button kind="submit" variant=ButtonVariant::Secondary busy=save.pending()>"Save the automation"</Button>
        </ActionForm>
    }
}

/// What a card shows below the agent's settings.
#[component]
pub(crate) fn CardAutomation(
    c: AgentCard,
    can_configure: bool,
    a: AutomationActions,
) -> impl IntoView {
    if c.scopes.is_empty() {
        return None;
    }
    let agent = c.kind.as_str();
    let scopes = c.scopes.clone();
    let start_options = options(&c.scopes);
    let (current, form_scopes, events_offered) =
        (c.automation.clone(), c.scopes.clone(), c.events.clone());
    let a_ = &c.automation;
    let summary = match a_.schedule {
        ScheduleEvery::Off => "No schedule".to_string(),
        every => format!(
            "{} over {}",
            every.label(),
            scope_label(&c.scopes, &a_.scope).to_lowercase()
        ),
    };
    let events = if a_.run_on.is_empty() {
        String::new()
    } else {
        format!(
            "; runs {}",
            a_.run_on
                .iter()
                .map(|e| format!("when {}", e.label().to_lowercase()))
                .collect::<Vec<_>>()
                .join(" and ")
        )
    };
    let by = if a_.updated_by.is_empty() {
        String::new()
    } else {
        format!(" (as {})", a_.updated_by)
    };
    Some(view! {
        <div class="mt-4 border-t border-slate-200 pt-3" data-testid=format!("card-automation-{agent}")>
            <h3 class="text-xs font-semibold uppercase tracking-wide text-slate-600">"Many records at once"</h3>
            <p class="mt-1 text-xs text-slate-700" data-testid="automation-summary">{format!("{summary}{events}{by}.")}</p>
            {c.bulk.clone().map(|b| view! { <Progress b scopes=scopes.clone() can_configure cancel=a.cancel/> })}
            {can_configure.then(|| view! {
                <ActionForm action=a.start attr:class="mt-3 flex items-end gap-2" attr:data-testid=format!("bulk-start-{agent}")>
                    <input type="hidden" name="agent" value=agent/>
                    <Select label="Run now over" name="scope" options=start_options error=field_error(a.start, "scope") id_suffix=format!("bulk-{agent}")/>
                    <Button kind="submit" variant=ButtonVariant::Secondary busy=a.start.pending()>"Start"</Button>
                </ActionForm>
                <FormAlert message=form_error(a.start, &["scope"])/>
                <details class="mt-2">
                    <summary class="cursor-pointer text-xs text-slate-600">"Schedule and triggers"</summary>
                    <AutomationForm agent current scopes=form_scopes events=events_offered save=a.save/>
                </details>
            })}
        </div>
    })
}
