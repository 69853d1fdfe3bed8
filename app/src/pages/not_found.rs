use leptos::prelude::*;
use leptos_meta::Title;

/// Any path no route matches. Answers with HTTP 404 on the server.
#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::NOT_FOUND);
    }
    view! {
        <Title text="Page not found"/>
        <div class="flex min-h-full flex-col items-center justify-center px-4 py-24 text-center">
            <p class="text-sm font-semibold text-indigo-600">"404"</p>
            <h1 class="mt-2 text-3xl font-semibold tracking-tight">"Page not found"</h1>
            <p class="mt-2 text-sm text-slate-600">"The page you asked for does not exist or has moved."</p>
            <a href="/" class="mt-6 rounded-md bg-indigo-600 px-3.5 py-2 text-sm font-semibold text-white hover:bg-indigo-500">"Back to the dashboard"</a>
        </div>
    }
}
