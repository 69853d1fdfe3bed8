//! The part of every agent's settings form that says how it talks to a model — enabled,
//! provider, base URL, model, temperature, most tokens, system prompt and prompt — as the
//! inputs `form[enabled]` … `form[prompt]` of its form, filled from the stored settings;
//! and, for those who may edit them, the prompt as a run would send it, rendered against a
//! chosen record while it is typed.

use crate::api::agents::preview_agent_prompt;
use crate::components::*;
use leptos::html;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use models::agents::settings::{CommonSettings, PromptPreview, ProviderOption};
use models::AppError;

#[component]
pub(crate) fn ModelFields<S>(
    /// The form's save: its field errors mark the inputs.
    action: ServerAction<S>,
    common: CommonSettings,
    providers: Vec<ProviderOption>,
    /// Tells the inputs' ids apart from other forms on the page.
    id_suffix: &'static str,
    agent: &'static str,
    /// Records to preview the prompt against (`lead:<id>`, name); none: no preview.
    preview_subjects: Option<Vec<(String, String)>>,
) -> impl IntoView
where
    S: ServerFn<Error = AppError> + Clone + Send + Sync + 'static,
    S::Output: Clone + Send + Sync + 'static,
{
    let err = move |name: &'static str| field_error(action, name);
    let input = move |label: &'static str, name: &'static str, value: String| {
        view! { <TextInput label=label name=format!("form[{name}]") value=value error=err(name) id_suffix=id_suffix/> }
    };
    let (system_ref, prompt_ref) = (
        NodeRef::<html::Textarea>::new(),
        NodeRef::<html::Textarea>::new(),
    );
    let live = Live::new(agent, system_ref, prompt_ref);
    let textarea = move |label: &'static str,
                         name: &'static str,
                         value: String,
                         node: NodeRef<html::Textarea>| {
        view! {
            <div class="space-y-1.5">
                <label for=format!("field-{name}") class="block text-sm font-medium text-slate-700">{label}</label>
                <textarea id=format!("field-{name}") name=format!("form[{name}]") rows="5" node_ref=node on:input=move |_| live.refresh()
                    class="block w-full rounded-md border-0 px-3 py-2 font-mono text-xs ring-1 ring-slate-300">{value}</textarea>
                {move || err(name).get().map(|m| view! { <p class="text-sm text-red-700">{m}</p> })}
            </div>
        }
    };
    let options: Vec<(String, String)> = providers
        .iter()
        .map(|o| (o.kind.clone(), o.display_name.clone()))
        .collect();
    let m = common.model;
    view! {
        <div class="mt-4 grid gap-4 sm:grid-cols-2">
            <label class="flex items-center gap-2 text-sm">
                <input type="checkbox" name="form[enabled]" value="on" checked=common.enabled/>
                "Enabled (scheduled and bulk runs)"
            </label>
            <Select label="Provider" name="form[provider]" options selected=m.provider error=err("provider")/>
            {input("Base URL (empty: the provider's own)", "base_url", m.base_url)}
            {input("Model", "model", m.model)}
            {input("Temperature", "temperature", m.temperature.to_string())}
            {input("Most tokens per answer", "max_tokens", m.max_tokens.to_string())}
        </div>
        <div class="mt-4 space-y-4">
            {textarea("System prompt", "system_prompt", common.system_prompt, system_ref)}
            {textarea("Prompt", "prompt", common.prompt, prompt_ref)}
            {preview_subjects.map(|subjects| view! { <Preview live subjects id_suffix/> })}
        </div>
    }
}

/// The preview's state: the latest answer, and which request it must answer.
#[derive(Clone, Copy)]
struct Live {
    agent: &'static str,
    system: NodeRef<html::Textarea>,
    prompt: NodeRef<html::Textarea>,
    subject: RwSignal<String>,
    shown: RwSignal<Option<Result<PromptPreview, String>>>,
    asked: StoredValue<u64>,
}

impl Live {
    fn new(
        agent: &'static str,
        system: NodeRef<html::Textarea>,
        prompt: NodeRef<html::Textarea>,
    ) -> Live {
        Live {
            agent,
            system,
            prompt,
            subject: RwSignal::new(String::new()),
            shown: RwSignal::new(None),
            asked: StoredValue::new(0),
        }
    }

    /// Renders the prompt as it now stands; an answer to an older request is dropped.
    fn refresh(self) {
        let (Some(system), Some(prompt)) =
            (self.system.get_untracked(), self.prompt.get_untracked())
        else {
            return;
        };
        let n = self.asked.get_value() + 1;
        self.asked.set_value(n);
        let (system, prompt, subject) =
            (system.value(), prompt.value(), self.subject.get_untracked());
        leptos::task::spawn_local(async move {
            let answer = preview_agent_prompt(self.agent.into(), subject, system, prompt)
                .await
                .map_err(|e| match e {
                    AppError::Validation { message, .. } => message,
                    other => other.to_string(),
                });
            if self.asked.get_value() == n {
                self.shown.set(Some(answer));
            }
        });
    }
}

#[component]
fn Preview(live: Live, subjects: Vec<(String, String)>, id_suffix: &'static str) -> impl IntoView {
    // Once the page is live, the first preview (with the sample data).
    Effect::new(move |_| live.refresh());
    let id = format!("preview-subject-{id_suffix}");
    view! {
        <div class="rounded-md bg-slate-50 p-3 ring-1 ring-slate-200" data-testid="prompt-preview">
            <div class="flex flex-wrap items-center gap-2 text-sm">
                <label for=id.clone() class="font-medium text-slate-700">"Preview with"</label>
                <select id=id class="rounded-md border-0 py-1 pl-2 pr-8 text-sm ring-1 ring-slate-300"
                    on:change=move |ev| { live.subject.set(event_target_value(&ev)); live.refresh(); }>
                    <option value="">"Sample data"</option>
                    {subjects.into_iter().map(|(v, l)| view! { <option value=v>{l}</option> }).collect_view()}
                </select>
            </div>
            {move || match live.shown.get() {
                None => view! { <p class="mt-2 text-xs text-slate-600">"The prompt as a run sends it shows here as you type (with JavaScript)."</p> }.into_any(),
                Some(Ok(p)) => view! {
                    <p class="mt-2 text-xs text-slate-600">{format!("As a run sends it, with {}:", p.subject_name)}</p>
                    <pre class="mt-1 max-h-80 overflow-auto whitespace-pre-wrap text-xs" data-testid="prompt-preview-text" tabindex="0" aria-label="The prompt as a run sends it">{p.prompt}</pre>
                }.into_any(),
                Some(Err(e)) => view! { <p class="mt-2 text-sm text-red-700" role="alert">{e}</p> }.into_any(),
            }}
        </div>
    }
}
