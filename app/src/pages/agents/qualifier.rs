//! The Qualifier's settings: the framework the verdict uses, how many confirmed criteria
//! qualify, which negative ones disqualify, the model that reads notes and its prompts;
//! every save a new version, with the history and a rollback.

use super::model_fields::ModelFields;
use super::SECTION;
use crate::api::agents::RollbackAgentConfig;
use crate::api::qualifier::{get_qualifier, SaveQualifier};
use crate::components::*;
use leptos::prelude::*;
use leptos_meta::Title;
use models::agents::qualifier::{Framework, QualifierForm, QualifierPage};

#[derive(Clone, Copy)]
struct Actions {
    save: ServerAction<SaveQualifier>,
    rollback: ServerAction<RollbackAgentConfig>,
}

#[component]
pub fn QualifierSettingsPage() -> impl IntoView {
    let a = Actions {
        save: ServerAction::new(),
        rollback: ServerAction::new(),
    };
    toast_results(a.save, "Saved as a new version.");
    toast_results(a.rollback, "Rolled back.");
    let data = Resource::new(
        move || (a.save.version().get(), a.rollback.version().get()),
        |_| get_qualifier(),
    );
    view! {
        <Title text="Qualifier"/>
        <PageHeader title="Qualifier" description="BANT or MEDDPICC per lead and deal, read from notes and activities, with the evidence."/>
        <Transition fallback=|| view! { <p class="text-sm text-slate-500">"Loading the settings…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(p) => view! { <Settings p a/> }.into_any(),
                    Err(e) => view! { <FormAlert message=Signal::derive(move || Some(e.to_string()))/> }.into_any(),
                }
            })}
        </Transition>
    }
}

const FIELDS: &[&str] = &[
    "enabled",
    "provider",
    "base_url",
    "model",
    "temperature",
    "max_tokens",
    "system_prompt",
    "prompt",
    "framework",
    "qualify_at",
    "deal_breakers",
    "note",
];

#[component]
fn Settings(p: QualifierPage, a: Actions) -> impl IntoView {
    let f = QualifierForm::from_config(&p.config);
    let err = move |name: &'static str| field_error(a.save, name);
    let input = move |label: &'static str, name: &'static str, value: String| {
        view! { <TextInput label=label name=format!("form[{name}]") value=value error=err(name) id_suffix="q"/> }
    };
    let criteria = |fw: Framework| {
        fw.criteria()
            .iter()
            .map(|c| format!("{} ({})", c.as_str(), c.label()))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let (common, providers) = (p.config.common.clone(), p.providers.clone());
    let preview_subjects = p.can_configure.then(|| p.preview_subjects.clone());
    view! {
        <p class="text-sm text-slate-700" data-testid="qualifier-version">{format!("Version {} in use.", p.version)}</p>
        {(!p.can_configure).then(|| view! { <p class="mt-2 text-sm text-slate-600">"Admins and owners change these settings; you can see them."</p> })}
        <ActionForm action=a.save attr:class="mt-4 space-y-6" attr:data-testid="qualifier-form">
            <section class=SECTION aria-labelledby="verdict-h">
                <h2 id="verdict-h" class="text-base font-semibold">"Verdict"</h2>
                <p class="mt-1 text-sm text-slate-600">{format!("BANT: {}. MEDDPICC: {}.", criteria(Framework::Bant), criteria(Framework::Meddpicc))}</p>
                <div class="mt-4 grid gap-4 sm:grid-cols-3">
                    <Select label="Framework" name="form[framework]" options=Framework::options() selected=f.framework.clone() error=err("framework")/>
                    {input("Confirmed criteria to qualify", "qualify_at", f.qualify_at.clone())}
                    {input("Deal breakers (negative disqualifies)", "deal_breakers", f.deal_breakers.clone())}
                </div>
            </section>
            <section class=SECTION aria-labelledby="qmodel-h">
                <h2 id="qmodel-h" class="text-base font-semibold">"Reading notes with a model"</h2>
                <p class="mt-1 text-sm text-slate-600">
                    "The rules read every note on every view, with no model and no key. A model, when you choose one, reads the same notes fenced as data and answers as JSON under a schema; a quote that is not in the note it names is refused. Prompt variables: subject, criteria, notes. Keys are stored on the "
                    <a class="underline" href="/agents/prospector">"Prospector's page"</a>"."
                </p>
                <ModelFields action=a.save common providers id_suffix="q" agent="qualifier" preview_subjects/>
            </section>
            {p.can_configure.then(|| view! {
                <div class="flex items-end gap-3">
                    {input("What changed (optional)", "note", String::new())}
                    <Button kind="submit" busy=a.save.pending()>"Save as a new version"</Button>
                </div>
            })}
            <FormAlert message=form_error(a.save, FIELDS)/>
        </ActionForm>
        <super::Versions agent="qualifier" history=p.history.clone() current=p.version can_configure=p.can_configure rollback=a.rollback testid="qualifier-versions"/>
    }
}
