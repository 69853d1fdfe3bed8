//! A lead's or deal's qualification where the rep works: the verdict with its reasons,
//! each criterion with its state, confidence, the quoted evidence (linked to its activity)
//! and where it came from, an override per criterion (kept and shown), the next questions,
//! and a model reading on demand.

use crate::api::agents::RunAgent;
use crate::api::qualifier::{get_qualification, OverrideCriterion};
use crate::components::*;
use crate::format;
use leptos::prelude::*;
use models::agents::qualifier::{Assessment, CriterionState, Origin, Qualification, Verdict};
use models::agents::run::RunStatus;
use models::AppError;

fn state_tone(s: CriterionState) -> Tone {
    match s {
        CriterionState::Confirmed => Tone::Success,
        CriterionState::Partial => Tone::Info,
        CriterionState::Negative => Tone::Danger,
        CriterionState::Unknown => Tone::Neutral,
    }
}

fn verdict_tone(v: Verdict) -> Tone {
    match v {
        Verdict::Qualified => Tone::Success,
        Verdict::Nurture => Tone::Warning,
        Verdict::Disqualified => Tone::Danger,
    }
}

/// The panel's actions. The page owns them and fetches the qualification with its own
/// data (`resource`): a resource of the panel's own, suspended inside the page's, does not
/// hydrate.
#[derive(Clone, Copy)]
pub struct QualificationActions {
    pub set: ServerAction<OverrideCriterion>,
    pub run: ServerAction<RunAgent>,
}

impl Default for QualificationActions {
    fn default() -> Self {
        Self::new()
    }
}

impl QualificationActions {
    pub fn new() -> QualificationActions {
        QualificationActions {
            set: ServerAction::new(),
            run: ServerAction::new(),
        }
    }

    /// The subject's qualification, read again after an override, a model run, or when
    /// `also` changes (a logged activity).
    pub fn resource(
        self,
        subject_kind: &'static str,
        id: impl Fn() -> String + Send + Sync + 'static,
        also: impl Fn() -> usize + Send + Sync + 'static,
    ) -> Resource<Result<Qualification, AppError>> {
        Resource::new(
            move || {
                (
                    id(),
                    self.set.version().get(),
                    self.run.version().get(),
                    also(),
                )
            },
            move |(id, ..)| get_qualification(subject_kind.to_string(), id),
        )
    }
}

#[component]
pub fn QualificationPanel(
    q: Qualification,
    subject_kind: &'static str,
    subject_id: String,
    actions: QualificationActions,
) -> impl IntoView {
    view! {
        <section class="rounded-lg bg-white p-6 shadow-sm ring-1 ring-slate-200" aria-labelledby="qualification-h" data-testid="qualification">
            <Body q subject_kind subject_id set=actions.set run=actions.run/>
        </section>
    }
}

#[component]
fn Body(
    q: Qualification,
    subject_kind: &'static str,
    subject_id: String,
    set: ServerAction<OverrideCriterion>,
    run: ServerAction<RunAgent>,
) -> impl IntoView {
    let model_note = match q.model_run {
        Some((run_id, at)) => view! {
            <span>"A model last read the notes "{format::when(at)}" ("<a class="underline" href=format!("/agents/runs/{run_id}")>"its run"</a>"); "</span>
        }.into_any(),
        None => view! { <span>"No model has read them yet; "</span> }.into_any(),
    };
    view! {
        <div class="flex flex-wrap items-center justify-between gap-2">
            <h2 id="qualification-h" class="text-base font-semibold">{format!("Qualification · {}", q.framework.label())}</h2>
            <span data-testid="verdict"><Badge tone=verdict_tone(q.verdict)>{q.verdict.label()}</Badge></span>
        </div>
        <ul class="mt-2 list-disc space-y-0.5 pl-5 text-sm text-slate-700" data-testid="verdict-reasons">
            {q.reasons.iter().map(|r| view! { <li>{r.clone()}</li> }).collect_view()}
        </ul>
        <ol class="mt-4 divide-y divide-slate-100">
            {q.criteria.iter().cloned().map(|a| view! {
                <Criterion a can_override=q.can_override subject_kind subject_id=subject_id.clone() set/>
            }).collect_view()}
        </ol>
        <FormAlert message=form_error(set, &[])/>
        {(!q.questions.is_empty()).then(|| view! {
            <h3 class="mt-4 text-xs font-semibold uppercase tracking-wide text-slate-600">"Ask next"</h3>
            <ol class="mt-1 list-decimal space-y-0.5 pl-5 text-sm" data-testid="next-questions">
                {q.questions.iter().map(|x| view! { <li>{x.clone()}</li> }).collect_view()}
            </ol>
        })}
        <p class="mt-4 text-xs text-slate-600">
            {format!("Read by rules from {} notes and activities. ", q.sources)}
            {model_note}
            <a class="underline" href="/agents/qualifier">"configure the Qualifier"</a>"."
        </p>
        <ActionForm action=run attr:class="mt-2" attr:data-testid="qualify-form">
            <input type="hidden" name="agent" value="qualifier"/>
            <input type="hidden" name="subject_kind" value=subject_kind/>
            <input type="hidden" name="subject_id" value=subject_id.clone()/>
            <Button kind="submit" variant=ButtonVariant::Secondary busy=run.pending()>"Read the notes with the model"</Button>
        </ActionForm>
        <FormAlert message=form_error(run, &[])/>
        {move || run.value().get().and_then(Result::ok).filter(|r| r.status != RunStatus::Succeeded).map(|r| view! {
            <p class="mt-2 text-sm text-red-700" data-testid="qualify-error">
                {format!("The run failed: {} ", r.error)}
                <a class="underline" href=format!("/agents/runs/{}", r.id)>"See the run"</a>
            </p>
        })}
    }
}

#[component]
fn Criterion(
    a: Assessment,
    can_override: bool,
    subject_kind: &'static str,
    subject_id: String,
    set: ServerAction<OverrideCriterion>,
) -> impl IntoView {
    let key = a.criterion.as_str();
    let origin = match (&a.origin, &a.override_) {
        (Origin::Override, Some(o)) => format!(
            "Set by {} {}{}",
            o.by,
            format::when(o.at),
            a.extracted
                .map(|s| format!(" (read as {})", s.label().to_lowercase()))
                .unwrap_or_default()
        ),
        (Origin::Model, _) => format!("Model, {}% sure", a.confidence),
        _ if a.state == CriterionState::Unknown => "Nothing in the notes yet".to_string(),
        _ => format!("Rules, {}% sure", a.confidence),
    };
    let mut options: Vec<(String, String)> = CriterionState::options();
    if a.override_.is_some() {
        options.push(("cleared".into(), "Clear my override".into()));
    }
    view! {
        <li class="py-2" data-testid=format!("criterion-{key}")>
            <div class="flex flex-wrap items-center justify-between gap-2 text-sm">
                <span class="font-medium">{a.criterion.label()}</span>
                <span class="flex items-center gap-2">
                    <span class="text-xs text-slate-600">{origin}</span>
                    <span data-testid="criterion-state"><Badge tone=state_tone(a.state)>{a.state.label()}</Badge></span>
                </span>
            </div>
            {a.override_.as_ref().filter(|o| !o.note.is_empty()).map(|o| view! {
                <p class="mt-1 text-xs text-slate-700">{format!("Why: {}", o.note)}</p>
            })}
            {a.evidence.clone().map(|e| view! {
                <p class="mt-1 text-xs text-slate-700" data-testid="criterion-evidence">
                    <q>{e.quote.clone()}</q>" "
                    <a class="underline" href=format!("#activity-{}", e.activity_id)>{format!("({})", format::when(e.at))}</a>
                </p>
            })}
            {can_override.then(|| view! {
                <details class="mt-1">
                    <summary class="cursor-pointer text-xs text-indigo-700">"Override"</summary>
                    <ActionForm action=set attr:class="mt-2 grid gap-2 sm:grid-cols-[9rem_1fr_auto] sm:items-end">
                        <input type="hidden" name="subject_kind" value=subject_kind/>
                        <input type="hidden" name="subject_id" value=subject_id.clone()/>
                        <input type="hidden" name="criterion" value=key/>
                        <Select label="State" name="state" options=options selected=a.state.as_str().to_string() id_suffix=key/>
                        <TextInput label="Why (kept with it)" name="note" maxlength=500 id_suffix=key/>
                        <Button kind="submit" variant=ButtonVariant::Secondary busy=set.pending()>"Apply override"</Button>
                    </ActionForm>
                </details>
            })}
        </li>
    }
}
