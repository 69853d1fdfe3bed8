//! The HTML document, the router and its routes.

use crate::components::{provide_toasts, ToastRegion};
use crate::pages::{
    accept_invite::AcceptInvitePage,
    accounts::{detail::AccountDetailPage, AccountsPage},
    admin::{AdminPage, AdminSectionPage},
    agents, api_keys, billing,
    choose_organisation::ChooseOrganisationPage,
    connectors,
    contacts::{detail::ContactDetailPage, ContactsPage},
    dashboard::DashboardPage,
    forgot_password::ForgotPasswordPage,
    leads::detail::LeadDetailPage,
    leads::import::{LeadImportPage, LeadImportsPage},
    leads::new::NewLeadPage,
    leads::LeadsPage,
    members::MembersPage,
    not_found::NotFound,
    opportunity::OpportunityPage,
    pipeline::PipelinePage,
    reset_password::ResetPasswordPage,
    sales_settings::SalesSettingsPage,
    search::SearchPage,
    shell::AppShell,
    sign_in::SignInPage,
    sign_up::SignUpPage,
};
use leptos::prelude::*;
use leptos_meta::{provide_meta_context, HashedStylesheet, MetaTags, Title};
use leptos_router::{
    components::{ParentRoute, Route, Router, Routes},
    lazy_route, path, Lazy, LazyRoute, ParamSegment, SsrMode, StaticSegment, WildcardSegment,
};
use models::sales::paths;

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

/// Every page is a lazy route: with `cargo leptos build --split` (as `scripts/run` and
/// `scripts/test` build) its code is a separate WASM chunk, fetched when the page is first
/// shown, so the first load carries the shell and one page instead of all of them. On the
/// server a lazy route renders as any other and names its chunks as preloads
/// (`chunk_preloads`).
macro_rules! lazy_page {
    ($($route:ident => $page:path),* $(,)?) => {$(
        struct $route;

        #[lazy_route]
        impl LazyRoute for $route {
            fn data() -> Self {
                $route
            }

            fn view(_this: Self) -> AnyView {
                #[cfg(feature = "ssr")]
                crate::chunk_preloads::name_chunks();
                view! { <$page/> }.into_any()
            }
        }
    )*};
}

lazy_page! {
    SignInRoute => SignInPage,
    SignUpRoute => SignUpPage,
    AcceptInviteRoute => AcceptInvitePage,
    ForgotPasswordRoute => ForgotPasswordPage,
    ResetPasswordRoute => ResetPasswordPage,
    ChooseOrganisationRoute => ChooseOrganisationPage,
    DashboardRoute => DashboardPage,
    LeadsRoute => LeadsPage,
    NewLeadRoute => NewLeadPage,
    LeadImportsRoute => LeadImportsPage,
    LeadImportRoute => LeadImportPage,
    LeadDetailRoute => LeadDetailPage,
    AccountsRoute => AccountsPage,
    AccountDetailRoute => AccountDetailPage,
    ContactsRoute => ContactsPage,
    ContactDetailRoute => ContactDetailPage,
    PipelineRoute => PipelinePage,
    OpportunityRoute => OpportunityPage,
    SearchRoute => SearchPage,
    AgentsRoute => agents::AgentsPage,
    ProspectorRoute => agents::prospector::ProspectorSettingsPage,
    AnalystRoute => agents::analyst::AnalystSettingsPage,
    QualifierRoute => agents::qualifier::QualifierSettingsPage,
    AgentRunsRoute => agents::runs::RunsPage,
    AgentRunRoute => agents::runs::RunPage,
    ConnectorsRoute => connectors::ConnectorsPage,
    MembersRoute => MembersPage,
    SalesSettingsRoute => SalesSettingsPage,
    BillingRoute => billing::BillingPage,
    ApiKeysRoute => api_keys::ApiKeysPage,
    AdminRoute => AdminPage,
    AdminSectionRoute => AdminSectionPage,
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
                <Route path=path!("/sign-in") ssr=SsrMode::Async view={Lazy::<SignInRoute>::new()}/>
                <Route path=path!("/sign-up") ssr=SsrMode::Async view={Lazy::<SignUpRoute>::new()}/>
                <Route path=path!("/invite/:token") ssr=SsrMode::Async view={Lazy::<AcceptInviteRoute>::new()}/>
                <Route path=path!("/forgot-password") ssr=SsrMode::Async view={Lazy::<ForgotPasswordRoute>::new()}/>
                <Route path=path!("/reset-password/:token") ssr=SsrMode::Async view={Lazy::<ResetPasswordRoute>::new()}/>
                <Route path=path!("/choose-organisation") ssr=SsrMode::Async view={Lazy::<ChooseOrganisationRoute>::new()}/>
                <ParentRoute path=path!("") ssr=SsrMode::Async view=AppShell>
                    <Route path=path!("") ssr=SsrMode::Async view={Lazy::<DashboardRoute>::new()}/>
                    <Route path=StaticSegment(paths::LEADS) ssr=SsrMode::Async view={Lazy::<LeadsRoute>::new()}/>
                    <Route path=path!("leads/new") ssr=SsrMode::Async view={Lazy::<NewLeadRoute>::new()}/>
                    <Route path=path!("leads/import") ssr=SsrMode::Async view={Lazy::<LeadImportsRoute>::new()}/>
                    <Route path=path!("leads/import/:id") ssr=SsrMode::Async view={Lazy::<LeadImportRoute>::new()}/>
                    <Route path=path!("leads/:id") ssr=SsrMode::Async view={Lazy::<LeadDetailRoute>::new()}/>
                    <Route path=StaticSegment(paths::ACCOUNTS) ssr=SsrMode::Async view={Lazy::<AccountsRoute>::new()}/>
                    <Route path=(StaticSegment(paths::ACCOUNTS), ParamSegment("id")) ssr=SsrMode::Async view={Lazy::<AccountDetailRoute>::new()}/>
                    <Route path=StaticSegment(paths::CONTACTS) ssr=SsrMode::Async view={Lazy::<ContactsRoute>::new()}/>
                    <Route path=(StaticSegment(paths::CONTACTS), ParamSegment("id")) ssr=SsrMode::Async view={Lazy::<ContactDetailRoute>::new()}/>
                    <Route path=StaticSegment(paths::PIPELINE) ssr=SsrMode::Async view={Lazy::<PipelineRoute>::new()}/>
                    <Route path=path!("opportunities/:id") ssr=SsrMode::Async view={Lazy::<OpportunityRoute>::new()}/>
                    <Route path=path!("search") ssr=SsrMode::Async view={Lazy::<SearchRoute>::new()}/>
                    <Route path=StaticSegment(paths::AGENTS) ssr=SsrMode::Async view={Lazy::<AgentsRoute>::new()}/>
                    <Route path=(StaticSegment(paths::AGENTS), StaticSegment("prospector")) ssr=SsrMode::Async view={Lazy::<ProspectorRoute>::new()}/>
                    <Route path=(StaticSegment(paths::AGENTS), StaticSegment("pipeline-analyst")) ssr=SsrMode::Async view={Lazy::<AnalystRoute>::new()}/>
                    <Route path=(StaticSegment(paths::AGENTS), StaticSegment("qualifier")) ssr=SsrMode::Async view={Lazy::<QualifierRoute>::new()}/>
                    <Route path=(StaticSegment(paths::AGENTS), StaticSegment("runs")) ssr=SsrMode::Async view={Lazy::<AgentRunsRoute>::new()}/>
                    <Route path=(StaticSegment(paths::AGENTS), StaticSegment("runs"), ParamSegment("id")) ssr=SsrMode::Async view={Lazy::<AgentRunRoute>::new()}/>
                    <Route path=StaticSegment(paths::CONNECTORS) ssr=SsrMode::Async view={Lazy::<ConnectorsRoute>::new()}/>
                    <Route path=path!("settings/members") ssr=SsrMode::Async view={Lazy::<MembersRoute>::new()}/>
                    <Route path=(StaticSegment(paths::SETTINGS), StaticSegment(paths::SALES_SETTINGS)) ssr=SsrMode::Async view={Lazy::<SalesSettingsRoute>::new()}/>
                    <Route path=(StaticSegment(paths::SETTINGS), StaticSegment(models::billing::SEGMENT)) ssr=SsrMode::Async view={Lazy::<BillingRoute>::new()}/>
                    <Route path=(StaticSegment(paths::SETTINGS), StaticSegment(models::api_keys::SEGMENT)) ssr=SsrMode::Async view={Lazy::<ApiKeysRoute>::new()}/>
                    <Route path=path!("admin") ssr=SsrMode::Async view={Lazy::<AdminRoute>::new()}/>
                    <Route path=(StaticSegment("admin"), WildcardSegment("rest")) ssr=SsrMode::Async view={Lazy::<AdminSectionRoute>::new()}/>
                </ParentRoute>
            </Routes>
        </Router>
        <ToastRegion/>
    }
}
