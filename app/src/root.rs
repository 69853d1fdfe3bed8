//! The HTML document, the router and its routes.

use crate::components::{provide_toasts, ToastRegion};
use crate::pages::{
    accept_invite::AcceptInvitePage, admin::AdminPage, dashboard::DashboardPage,
    members::MembersPage, not_found::NotFound, shell::AppShell, sign_in::SignInPage,
    sign_up::SignUpPage, workspace,
};
use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags, Stylesheet, Title};
use leptos_router::{
    components::{ParentRoute, Route, Router, Routes},
    path,
};

/// The document around every server-rendered page.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html lang="en" class="h-full">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <meta name="color-scheme" content="light"/>
                <link rel="icon" href="/favicon.svg" type="image/svg+xml"/>
                <AutoReload options=options.clone()/>
                <HydrationScripts options/>
                <MetaTags/>
            </head>
            <body class="h-full bg-slate-50 text-slate-900 antialiased">
                <App/>
            </body>
        </html>
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    provide_toasts();
    view! {
        <Stylesheet id="leptos" href="/pkg/sales-hunter.css"/>
        <Title formatter=|page: String| if page.is_empty() { "Sales Hunter".to_string() } else { format!("{page} · Sales Hunter") }/>
        <Router>
            <Routes fallback=NotFound>
                <Route path=path!("/sign-in") view=SignInPage/>
                <Route path=path!("/sign-up") view=SignUpPage/>
                <Route path=path!("/invite/:token") view=AcceptInvitePage/>
                <ParentRoute path=path!("") view=AppShell>
                    <Route path=path!("") view=DashboardPage/>
                    <Route path=path!("leads") view=workspace::LeadsPage/>
                    <Route path=path!("pipeline") view=workspace::PipelinePage/>
                    <Route path=path!("agents") view=workspace::AgentsPage/>
                    <Route path=path!("connectors") view=workspace::ConnectorsPage/>
                    <Route path=path!("settings/members") view=MembersPage/>
                    <Route path=path!("admin") view=AdminPage/>
                </ParentRoute>
            </Routes>
        </Router>
        <ToastRegion/>
    }
}
