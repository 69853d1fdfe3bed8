//! The Prospector's settings: the ideal customer profile (each factor with its points),
//! how fit and engagement combine and where grades start, the model and its prompts, the
//! provider key; every save a new version (which rescores every lead, with its progress
//! here), the history with each version's settings and a rollback.

use super::model_fields::ModelFields;
use super::SECTION;
use crate::api::agents::{get_prospector, RollbackAgentConfig, SaveProspector, SaveProviderKey};
use crate::components::*;
use crate::format;
use leptos::prelude::*;
use leptos_meta::Title;
use models::agents::form::ProspectorForm;
use models::agents::views::ProspectorPage;

#[derive(Clone, Copy)]
struct Actions {
    save: ServerAction<SaveProspector>,
    rollback: ServerAction<RollbackAgentConfig>,
    key: ServerAction<SaveProviderKey>,
}

#[component]
pub fn ProspectorSettingsPage() -> impl IntoView {
    let a = Actions {
        save: ServerAction::new(),
        rollback: ServerAction::new(),
        key: ServerAction::new(),
    };
    toast_results(
        a.save,
        "Saved as a new version; every lead is being scored again.",
    );
    toast_results(a.rollback, "Rolled back; every lead is being scored again.");
    toast_results(a.key, "Key saved.");
    let data = Resource::new(
        move || {
            (
                a.save.version().get(),
                a.rollback.version().get(),
                a.key.version().get(),
            )
        },
        |_| get_prospector(),
    );
    view! {
        <Title text="Prospector"/>
        <PageHeader title="Prospector" description="Your ideal customer profile, point by point, and how briefs are written."/>
        <Transition fallback=|| view! { <p class="text-sm text-slate-500">"Loading the profile…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(p) => view! { <Settings p a/> }.into_any(),
                    Err(e) => view! { <FormAlert message=Signal::derive(move || Some(e.to_string()))/> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn Settings(p: ProspectorPage, a: Actions) -> impl IntoView {
    let f = ProspectorForm::from_config(&p.config);
    let err = move |name: &'static str| field_error(a.save, name);
    let input = move |label: &'static str, name: &'static str, value: String| {
        view! { <TextInput label=label name=format!("form[{name}]") value=value error=err(name) id_suffix="p"/> }
    };
    let check = move |label: &'static str, name: &'static str, on: bool| {
        view! {
            <label class="flex items-center gap-2 text-sm">
                <input type="checkbox" name=format!("form[{name}]") value="on" checked=on/>
                {label}
            </label>
        }
    };
    let bulk = p.bulk.clone().map(|b| {
        let text = match b.state.as_str() {
            "running" => format!(
                "Scoring every lead again: {} of {} done.",
                format::count(b.done),
                format::count(b.total)
            ),
            "finished" => format!(
                "Every lead was scored with version {} ({} leads).",
                p.version,
                format::count(b.total)
            ),
            "failed" => "The last rescore failed; saving again retries it.".to_string(),
            _ => "A newer save replaced the last rescore.".to_string(),
        };
        view! { <p class="mt-2 text-sm text-slate-700" data-testid="rescore-progress">{text}</p> }
    });
    let form_alert = form_error(
        a.save,
        &[
            "enabled",
            "provider",
            "base_url",
            "model",
            "temperature",
            "max_tokens",
            "system_prompt",
            "prompt",
            "industries",
            "industry_points",
            "employees_min",
            "employees_max",
            "size_points",
            "revenue_field",
            "revenue_min",
            "revenue_max",
            "revenue_points",
            "regions",
            "region_points",
            "outside_region_points",
            "titles",
            "title_points",
            "seniority_points",
            "technologies",
            "technology_points",
            "signals",
            "signal_points",
            "fit_percent",
            "half_life_days",
            "grade_a",
            "grade_b",
            "grade_c",
            "note",
        ],
    );
    let (common, providers) = (p.config.common.clone(), p.providers.clone());
    let preview_subjects = p.can_configure.then(|| p.preview_subjects.clone());
    view! {
        <p class="text-sm text-slate-700" data-testid="prospector-version">
            {format!("Version {} in use. The most fit points a lead can earn under it: {}.", p.version, p.max_fit)}
        </p>
        {bulk}
        {(!p.can_configure).then(|| view! { <p class="mt-2 text-sm text-slate-600">"Admins and owners change the profile; you can see it."</p> })}
        <ActionForm action=a.save attr:class="mt-4 space-y-6" attr:data-testid="prospector-form">
            <section class=SECTION aria-labelledby="icp-h">
                <h2 id="icp-h" class="text-base font-semibold">"Ideal customer profile"</h2>
                <p class="mt-1 text-sm text-slate-600">"Lists are comma-separated. A factor with an empty list is not scored. Fit is the sum of the points earned, 0 to 100."</p>
                <div class="mt-4 grid gap-4 sm:grid-cols-[1fr_8rem]">
                    {input("Industries", "industries", f.industries.clone())}
                    {input("Points", "industry_points", f.industry_points.clone())}
                    <div class="grid grid-cols-2 gap-4">
                        {input("Employees, at least", "employees_min", f.employees_min.clone())}
                        {input("Employees, at most", "employees_max", f.employees_max.clone())}
                    </div>
                    {input("Points", "size_points", f.size_points.clone())}
                    <div class="grid grid-cols-3 gap-4">
                        {input("Revenue field (custom)", "revenue_field", f.revenue_field.clone())}
                        {input("Revenue, at least", "revenue_min", f.revenue_min.clone())}
                        {input("Revenue, at most", "revenue_max", f.revenue_max.clone())}
                    </div>
                    {input("Points", "revenue_points", f.revenue_points.clone())}
                    {input("Regions (countries)", "regions", f.regions.clone())}
                    <div class="grid grid-cols-2 gap-2">
                        {input("Points", "region_points", f.region_points.clone())}
                        {input("Outside", "outside_region_points", f.outside_region_points.clone())}
                    </div>
                    {input("Title words", "titles", f.titles.clone())}
                    {input("Points", "title_points", f.title_points.clone())}
                    <fieldset>
                        <legend class="text-sm font-medium text-slate-700">"Seniority"</legend>
                        <div class="mt-2 flex flex-wrap gap-4">
                            {check("Executive", "seniority_executive", f.seniority_executive.is_some())}
                            {check("Vice president", "seniority_vp", f.seniority_vp.is_some())}
                            {check("Director or head", "seniority_director", f.seniority_director.is_some())}
                            {check("Manager or lead", "seniority_manager", f.seniority_manager.is_some())}
                            {check("Individual contributor", "seniority_individual", f.seniority_individual.is_some())}
                        </div>
                    </fieldset>
                    {input("Points", "seniority_points", f.seniority_points.clone())}
                    {input("Technologies", "technologies", f.technologies.clone())}
                    {input("Points", "technology_points", f.technology_points.clone())}
                    {input("Buying signals (words in notes and activities)", "signals", f.signals.clone())}
                    {input("Points", "signal_points", f.signal_points.clone())}
                </div>
            </section>
            <section class=SECTION aria-labelledby="scoring-h">
                <h2 id="scoring-h" class="text-base font-semibold">"Score and grades"</h2>
                <div class="mt-4 grid gap-4 sm:grid-cols-5">
                    {input("Fit share of the score (%)", "fit_percent", f.fit_percent.clone())}
                    {input("Engagement half-life (days)", "half_life_days", f.half_life_days.clone())}
                    {input("Grade A from", "grade_a", f.grade_a.clone())}
                    {input("Grade B from", "grade_b", f.grade_b.clone())}
                    {input("Grade C from", "grade_c", f.grade_c.clone())}
                </div>
            </section>
            <section class=SECTION aria-labelledby="model-h">
                <h2 id="model-h" class="text-base font-semibold">"Research briefs"</h2>
                <p class="mt-1 text-sm text-slate-600">"The built-in provider writes briefs from the score with no model and no key. A model gets the same facts, fenced as data. Prompt variables: lead, score, gaps, activities."</p>
                <ModelFields action=a.save common providers id_suffix="p" agent="prospector" preview_subjects/>
            </section>
            {p.can_configure.then(|| view! {
                <div class="flex items-end gap-3">
                    {input("What changed (optional)", "note", String::new())}
                    <Button kind="submit" busy=a.save.pending()>"Save as a new version"</Button>
                </div>
            })}
            <FormAlert message=form_alert/>
        </ActionForm>
        {p.can_configure.then(|| view! { <KeyForm p=p.clone() a/> })}
        <super::Versions agent="prospector" history=p.history.clone() current=p.version can_configure=p.can_configure rollback=a.rollback testid="versions"/>
    }
}

#[component]
fn KeyForm(p: ProspectorPage, a: Actions) -> impl IntoView {
    let providers: Vec<(String, String)> = p
        .providers
        .iter()
        .filter(|o| o.kind != "builtin")
        .map(|o| (o.kind.clone(), o.display_name.clone()))
        .collect();
    view! {
        <section class=format!("mt-6 {SECTION}") aria-labelledby="key-h">
            <h2 id="key-h" class="text-base font-semibold">"Provider keys"</h2>
            <p class="mt-1 text-sm text-slate-600">"Sealed at rest and never shown again; an empty key removes the stored one."</p>
            <ul class="mt-2 text-sm" data-testid="stored-keys">
                {p.keys.iter().map(|k| view! {
                    <li>{format!("{} at {} — ends in {}", k.provider, if k.base_url.is_empty() { "its own address".to_string() } else { k.base_url.clone() }, k.hint)}</li>
                }).collect_view()}
            </ul>
            {if p.keys_enabled {
                view! {
                    <ActionForm action=a.key attr:class="mt-3 grid max-w-3xl gap-3 sm:grid-cols-[10rem_1fr_1fr_auto] sm:items-end">
                        <Select label="Provider" name="provider" options=providers/>
                        <TextInput label="Base URL (empty: its own)" name="base_url" error=field_error(a.key, "base_url")/>
                        <TextInput label="Key" name="key" kind="password" autocomplete="off" error=field_error(a.key, "key")/>
                        <Button kind="submit" busy=a.key.pending()>"Save key"</Button>
                    </ActionForm>
                    <FormAlert message=form_error(a.key, &["base_url", "key"])/>
                }.into_any()
            } else {
                view! { <p class="mt-2 text-sm text-slate-600">"This server cannot store keys: it has no CONNECTOR_KEY set."</p> }.into_any()
            }}
        </section>
    }
}
