//! The filter form of the leads table (a plain GET form: it works without JavaScript).

use super::*;

#[component]
pub(super) fn FilterForm(query: LeadQuery, members: Vec<Member>, me: SessionUser) -> impl IntoView {
    let owner_value = match query.owner {
        Some(OwnerFilter::Me) => "me".to_string(),
        Some(OwnerFilter::Unassigned) => "none".into(),
        Some(OwnerFilter::User(u)) => u.to_string(),
        None => String::new(),
    };
    let mut statuses = vec![(String::new(), "Any status".to_string())];
    statuses.extend(LeadStatus::options());
    let navigate = use_navigate();
    // Hydrated: the URL follows the search box a moment after typing stops. The request
    // runs in the background, so typing never waits for it.
    let pending = StoredValue::new(None::<leptos::prelude::TimeoutHandle>);
    let on_search = move |ev: leptos::ev::Event| {
        #[cfg(feature = "hydrate")]
        {
            use leptos::wasm_bindgen::JsCast;
            if let Some(h) = pending.get_value() {
                h.clear();
            }
            let navigate = navigate.clone();
            let form = ev
                .target()
                .and_then(|t| t.dyn_into::<leptos::web_sys::HtmlInputElement>().ok())
                .and_then(|input| input.form());
            let handle = leptos::prelude::set_timeout_with_handle(
                move || {
                    if let Some(form) = form {
                        if let Ok(data) = leptos::web_sys::FormData::new_with_form(&form) {
                            let mut pairs = Vec::new();
                            for k in [
                                "q",
                                "status",
                                "owner",
                                "source",
                                "score_min",
                                "score_max",
                                "from",
                                "to",
                                "sort",
                                "dir",
                            ] {
                                if let Some(v) = data.get(k).as_string() {
                                    if !v.is_empty() {
                                        pairs.push(format!("{k}={}", models::url::encode(&v)));
                                    }
                                }
                            }
                            let q = pairs.join("&");
                            navigate(
                                &if q.is_empty() {
                                    "/leads".into()
                                } else {
                                    format!("/leads?{q}")
                                },
                                Default::default(),
                            );
                        }
                    }
                },
                std::time::Duration::from_millis(300),
            )
            .ok();
            pending.set_value(handle);
        }
        #[cfg(not(feature = "hydrate"))]
        {
            let _ = (&ev, &navigate, &pending);
        }
    };
    let label = "block text-xs font-medium text-slate-700";
    view! {
        <Form method="GET" action="/leads" attr:class="rounded-lg bg-white p-4 shadow-sm ring-1 ring-slate-200" attr:role="search" attr:aria-label="Filter leads">
            <div class="grid gap-3 sm:grid-cols-2 lg:grid-cols-6">
                <div class="lg:col-span-2">
                    <label for="lead-q" class=label>"Search name, company or e-mail"</label>
                    <input id="lead-q" type="search" name="q" value=query.q.clone() class=INPUT placeholder="e.g. acme" maxlength="100" on:input=on_search data-testid="lead-search"/>
                </div>
                <Select label="Status" name="status" options=statuses selected=query.status.map(|s| s.as_str().to_string()).unwrap_or_default()/>
                <Select label="Owner" name="owner" options=owner_options(&members, &me) selected=owner_value/>
                <div>
                    <label for="lead-source" class=label>"Source"</label>
                    <input id="lead-source" name="source" value=query.source.clone() class=INPUT placeholder="Any"/>
                </div>
                <div class="grid grid-cols-2 gap-2">
                    <div>
                        <label for="lead-score-min" class=label>"Score from"</label>
                        <input id="lead-score-min" type="number" min="0" max="100" name="score_min" value=query.score_min.map(|s| s.to_string()) class=INPUT/>
                    </div>
                    <div>
                        <label for="lead-score-max" class=label>"to"</label>
                        <input id="lead-score-max" type="number" min="0" max="100" name="score_max" value=query.score_max.map(|s| s.to_string()) class=INPUT/>
                    </div>
                </div>
                <div>
                    <label for="lead-from" class=label>"Created from"</label>
                    <input id="lead-from" type="date" name="from" value=query.created_from.map(|d| d.to_string()) class=INPUT/>
                </div>
                <div>
                    <label for="lead-to" class=label>"Created to"</label>
                    <input id="lead-to" type="date" name="to" value=query.created_to.map(|d| d.to_string()) class=INPUT/>
                </div>
                {query.custom.iter().map(|(k, v)| view! { <input type="hidden" name=format!("cf.{k}") value=v.clone()/> }).collect_view()}
                <input type="hidden" name="sort" value=query.sort.as_str()/>
                <input type="hidden" name="dir" value=if query.descending { "desc" } else { "asc" }/>
                <div class="flex items-end gap-2 lg:col-span-2">
                    <Button kind="submit">"Apply"</Button>
                    <a href="/leads" class="rounded-md px-3 py-2 text-sm font-medium text-slate-700 hover:bg-slate-100">"Clear"</a>
                </div>
            </div>
        </Form>
    }
}
