//! The HTML document, the router and its routes.

use crate::components::{provide_toasts, ToastRegion};
use crate::pages::{
    accept_invite::AcceptInvitePage,
    admin::AdminPage,
    choose_organisation::ChooseOrganisationPage,
    connectors,
    dashboard::DashboardPage,
    forgot_password::ForgotPasswordPage,
    lead_detail::LeadDetailPage,
    lead_import::{LeadImportPage, LeadImportsPage},
    lead_new::NewLeadPage,
    leads::LeadsPage,
    members::MembersPage,
    not_found::NotFound,
    opportunity::OpportunityPage,
    pipeline::PipelinePage,
    reset_password::ResetPasswordPage,
    search::SearchPage,
    shell::AppShell,
    sign_in::SignInPage,
    sign_up::SignUpPage,
    workspace,
};
use leptos::prelude::*;
use leptos_meta::{provide_meta_context, HashedStylesheet, MetaTags, Title};
use leptos_router::{
    components::{ParentRoute, Route, Router, Routes},
    path, SsrMode,
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
                <HashedStylesheet options=options.clone() id="leptos"/>
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

/// Every route renders with `SsrMode::Async`: the server awaits the page's data and sends
/// complete HTML. Pages then work without JavaScript (streamed chunks need JS to be swapped
/// in), and the data is a few indexed queries, so nothing is gained by streaming.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    provide_toasts();
    view! {
        <Title formatter=|page: String| if page.is_empty() { "Sales Hunter".to_string() } else { format!("{page} · Sales Hunter") }/>
        <Router>
            <Routes fallback=NotFound>
                <Route path=path!("/sign-in") ssr=SsrMode::Async view=SignInPage/>
                <Route path=path!("/sign-up") ssr=SsrMode::Async view=SignUpPage/>
                <Route path=path!("/invite/:token") ssr=SsrMode::Async view=AcceptInvitePage/>
                <Route path=path!("/forgot-password") ssr=SsrMode::Async view=ForgotPasswordPage/>
                <Route path=path!("/reset-password/:token") ssr=SsrMode::Async view=ResetPasswordPage/>
                <Route path=path!("/choose-organisation") ssr=SsrMode::Async view=ChooseOrganisationPage/>
                <ParentRoute path=path!("") ssr=SsrMode::Async view=AppShell>
                    <Route path=path!("") ssr=SsrMode::Async view=DashboardPage/>
                    <Route path=path!("leads") ssr=SsrMode::Async view=LeadsPage/>
                    <Route path=path!("leads/new") ssr=SsrMode::Async view=NewLeadPage/>
                    <Route path=path!("leads/import") ssr=SsrMode::Async view=LeadImportsPage/>
                    <Route path=path!("leads/import/:id") ssr=SsrMode::Async view=LeadImportPage/>
                    <Route path=path!("leads/:id") ssr=SsrMode::Async view=LeadDetailPage/>
                    <Route path=path!("pipeline") ssr=SsrMode::Async view=PipelinePage/>
                    <Route path=path!("opportunities/:id") ssr=SsrMode::Async view=OpportunityPage/>
                    <Route path=path!("search") ssr=SsrMode::Async view=SearchPage/>
                    <Route path=path!("agents") ssr=SsrMode::Async view=workspace::AgentsPage/>
                    <Route path=path!("connectors") ssr=SsrMode::Async view=connectors::ConnectorsPage/>
                    <Route path=path!("settings/members") ssr=SsrMode::Async view=MembersPage/>
                    <Route path=path!("admin") ssr=SsrMode::Async view=AdminPage/>
                </ParentRoute>
            </Routes>
        </Router>
        <ToastRegion/>
    }
}
