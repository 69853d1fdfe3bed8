//! The pipeline board: open deals by stage with counts, totals and weighted totals. A card
//! moves by dragging it to another column (hydrated), or with its stage select and "Move"
//! button — a plain form, so the keyboard and pages without JavaScript do the same.

use crate::api::members::list_members;
use crate::api::pipeline::{get_board, CreateOpportunity, MoveOpportunity};
use crate::components::*;
use crate::format;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Form;
use leptos_router::hooks::use_query_map;
use models::members::Member;
use models::sales::format_money;
use models::sales::lead_query::OwnerFilter;
use models::sales::opportunity::{Board, BoardColumn, BoardQuery, OpportunityCard};
use models::sales::stage::{Stage, StageKind};
use models::{AppError, OpportunityId, StageId};

#[component]
pub fn PipelinePage() -> impl IntoView {
    // From the query map, not `use_location()`: reading the location here made the shell
    // render the page twice during SSR, and the discarded copy's resource (run outside the
    // request) was what the browser then hydrated against.
    let query = use_query_map();
    let search = move || query.with(|q| q.to_query_string());
    let move_deal = ServerAction::<MoveOpportunity>::new();
    let create = ServerAction::<CreateOpportunity>::new();
    let toasts = use_toasts();
    Effect::new(move |_| {
        if let Some(r) = move_deal.value().get() {
            match r {
                Ok(o) => toasts.push(
                    ToastKind::Success,
                    format!("{} moved to {}.", o.name, o.stage.name),
                ),
                Err(e) => toasts.push(ToastKind::Error, e.to_string()),
            }
        }
    });
    // One server call per resource (see the leads page).
    let board = Resource::new(
        move || (search(), move_deal.version().get()),
        |(view, _)| async move { get_board(view.clone()).await.map(|b| (view, b)) },
    );
    let members = Resource::new(|| (), |_| list_members());
    let data = move || async move {
        let (view, board) = board.await?;
        let query = BoardQuery::parse(&view)?;
        Ok::<_, AppError>((view, query, board, members.await?))
    };
    view! {
        <Title text="Pipeline"/>
        <PageHeader title="Pipeline" description="Open opportunities by stage. Drag a card, or pick its stage and press Move.">
            <details class="relative">
                <summary class=format!("cursor-pointer list-none rounded-md bg-indigo-600 px-3.5 py-2 text-sm font-semibold text-white shadow-sm hover:bg-indigo-500 {FOCUS_RING}")>"New opportunity"</summary>
                <ActionForm action=create attr:class="absolute right-0 z-20 mt-2 w-80 space-y-3 rounded-lg bg-white p-4 shadow-lg ring-1 ring-slate-200">
                    <TextInput label="Name" name="name" required=true error=field_error(create, "name")/>
                    <TextInput label="Amount" name="amount" placeholder="25,000" error=field_error(create, "amount")/>
                    <TextInput label="Close date" name="close_date" kind="date" error=field_error(create, "close_date")/>
                    <FormAlert message=form_error(create, &["name", "amount", "close_date"])/>
                    <Button kind="submit" busy=create.pending()>"Create"</Button>
                </ActionForm>
            </details>
        </PageHeader>
        <Transition fallback=|| view! { <p class="text-sm text-slate-500">"Loading the board…"</p> }>
            {move || Suspend::new(async move {
                match data().await {
                    Ok((view, query, board, members)) => view! { <BoardView view query board members move_deal/> }.into_any(),
                    Err(e) => view! { <FormAlert message=Signal::derive(move || Some(e.to_string()))/> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn BoardView(
    view: String,
    query: BoardQuery,
    board: Board,
    members: Vec<Member>,
    move_deal: ServerAction<MoveOpportunity>,
) -> impl IntoView {
    let owner_value = match query.owner {
        Some(OwnerFilter::Me) => "me".to_string(),
        Some(OwnerFilter::Unassigned) => "none".into(),
        Some(OwnerFilter::User(u)) => u.to_string(),
        None => String::new(),
    };
    let mut owners = vec![
        (String::new(), "Everyone".to_string()),
        ("me".into(), "Me".into()),
        ("none".into(), "Unassigned".into()),
    ];
    owners.extend(
        members
            .iter()
            .map(|m| (m.user_id.to_string(), m.name.clone())),
    );
    let dragging = RwSignal::new(None::<OpportunityId>);
    let currency = board.currency.clone();
    let total: i64 = board.columns.iter().map(|c| c.total_minor).sum();
    let weighted: i64 = board.columns.iter().map(|c| c.weighted_minor).sum();
    let per_column = if query.per_column > 0 {
        query.per_column
    } else {
        25
    };
    let stages = board.stages.clone();
    let totals = format!(
        "Open: {} · weighted {}",
        format_money(total, &currency, true),
        format_money(weighted, &currency, true)
    );
    let input = "block w-full rounded-md border-0 px-3 py-2 text-sm shadow-sm ring-1 ring-inset ring-slate-300";
    view! {
        <Form method="GET" action="/pipeline" attr:class="flex flex-wrap items-end gap-3 rounded-lg bg-white p-4 shadow-sm ring-1 ring-slate-200" attr:aria-label="Filter the board">
            <div class="w-48"><Select label="Owner" name="owner" options=owners selected=owner_value/></div>
            <div>
                <label for="board-from" class="block text-xs font-medium text-slate-700">"Closing from"</label>
                <input id="board-from" type="date" name="from" value=query.close_from.map(|d| d.to_string()) class=input/>
            </div>
            <div>
                <label for="board-to" class="block text-xs font-medium text-slate-700">"Closing to"</label>
                <input id="board-to" type="date" name="to" value=query.close_to.map(|d| d.to_string()) class=input/>
            </div>
            <Button kind="submit">"Apply"</Button>
            <a href="/pipeline" class="rounded-md px-3 py-2 text-sm font-medium text-slate-700 hover:bg-slate-100">"Clear"</a>
            <p class="ml-auto text-sm text-slate-700" data-testid="board-totals">
                {totals}
            </p>
        </Form>
        <div class="mt-4 flex gap-4 overflow-x-auto pb-4" data-testid="board">
            {board.columns.into_iter().map(|col| {
                let more = (col.count > col.cards.len() as i64).then(|| {
                    let mut q = models::url::pairs(&view);
                    q.retain(|(k, _)| k != "per_column");
                    q.push(("per_column".into(), (per_column + 25).min(500).to_string()));
                    let s = q.iter().map(|(k, v)| format!("{}={}", models::url::encode(k), models::url::encode(v))).collect::<Vec<_>>().join("&");
                    format!("/pipeline?{s}")
                });
                view! { <Column col stages=stages.clone() currency=currency.clone() dragging move_deal more/> }
            }).collect_view()}
        </div>
    }
}

#[component]
fn Column(
    col: BoardColumn,
    stages: Vec<Stage>,
    currency: String,
    dragging: RwSignal<Option<OpportunityId>>,
    move_deal: ServerAction<MoveOpportunity>,
    more: Option<String>,
) -> impl IntoView {
    let stage_id = col.stage.id;
    let over = RwSignal::new(false);
    let heading_id = format!("stage-{stage_id}");
    let labelled_by = heading_id.clone();
    let shown = col.cards.len();
    view! {
        <section
            class=move || format!("flex w-72 shrink-0 flex-col rounded-lg p-3 ring-1 {}", if over.get() { "bg-indigo-50 ring-indigo-300" } else { "bg-slate-100 ring-slate-200" })
            aria-labelledby=labelled_by
            data-testid="board-column"
            data-stage=col.stage.name.clone()
            on:dragover=move |ev| { ev.prevent_default(); over.set(true); }
            on:dragleave=move |_| over.set(false)
            on:drop=move |ev| {
                ev.prevent_default();
                over.set(false);
                if let Some(id) = dragging.get_untracked() {
                    dragging.set(None);
                    move_deal.dispatch(MoveOpportunity { id, stage_id, lost_reason: String::new() });
                }
            }
        >
            <header class="mb-2">
                <h2 id=heading_id class="text-sm font-semibold">{col.stage.name.clone()}<span class="ml-1 font-normal text-slate-600">{format!("({})", col.count)}</span></h2>
                <p class="text-xs text-slate-700">{format!("{} · weighted {} ({}%)", format_money(col.total_minor, &currency, true), format_money(col.weighted_minor, &currency, true), col.stage.probability)}</p>
            </header>
            <ul class="flex flex-1 flex-col gap-2">
                {col.cards.into_iter().map(|c| view! { <Card card=c stages=stages.clone() dragging move_deal/> }).collect_view()}
            </ul>
            {more.map(|href| view! { <a href=href class="mt-2 text-center text-xs font-medium text-indigo-700 hover:underline">{format!("Show more ({} of {})", shown, col.count)}</a> })}
        </section>
    }
}

#[component]
fn Card(
    card: OpportunityCard,
    stages: Vec<Stage>,
    dragging: RwSignal<Option<OpportunityId>>,
    move_deal: ServerAction<MoveOpportunity>,
) -> impl IntoView {
    let now = chrono::Utc::now();
    let overdue = card.is_overdue(now.date_naive());
    let stale = card.is_stale(now);
    let id = card.id;
    let select_id = format!("move-{id}");
    let select_label = format!("Stage of {}", card.name);
    let options = stages
        .iter()
        .filter(|s| s.kind != StageKind::Lost)
        .map(|s| (s.id, s.name.clone()))
        .collect::<Vec<(StageId, String)>>();
    view! {
        <li
            class="cursor-grab rounded-md bg-white p-3 text-sm shadow-sm ring-1 ring-slate-200 active:cursor-grabbing"
            draggable="true"
            data-testid="deal-card"
            data-deal=card.name.clone()
            on:dragstart=move |_| dragging.set(Some(id))
            on:dragend=move |_| dragging.set(None)
        >
            <a href=format!("/opportunities/{id}") class="font-medium text-indigo-700 hover:underline">{card.name.clone()}</a>
            <p class="text-xs text-slate-700">{card.account_name.clone().unwrap_or_else(|| "No account".into())}</p>
            <p class="mt-1 flex justify-between text-xs">
                <span class="font-semibold tabular-nums">{format_money(card.amount_minor, &card.currency, true)}</span>
                <span class=if overdue { "text-red-700" } else { "text-slate-700" }>{format!("Close {}", format::date(card.close_date))}</span>
            </p>
            <p class="mt-1 text-xs text-slate-600">{format!("{} · {} days in stage", card.owner_name.clone().unwrap_or_else(|| "Unassigned".into()), card.days_in_stage(now))}</p>
            {(overdue || stale).then(|| view! {
                <p class="mt-1 flex gap-1">
                    {overdue.then(|| view! { <Badge tone=Tone::Danger>"Overdue"</Badge> })}
                    {stale.then(|| view! { <Badge tone=Tone::Warning>"Stale"</Badge> })}
                </p>
            })}
            <ActionForm action=move_deal attr:class="mt-2 flex items-center gap-1">
                <input type="hidden" name="id" value=id.to_string()/>
                <label for=select_id.clone() class="sr-only">{select_label}</label>
                <select id=select_id name="stage_id" class="min-w-0 flex-1 rounded border-0 py-1 pl-2 pr-6 text-xs ring-1 ring-slate-300">
                    {options.into_iter().map(|(sid, name)| view! { <option value=sid.to_string() selected=sid == card.stage_id>{name}</option> }).collect_view()}
                </select>
                <button type="submit" class=format!("rounded bg-slate-800 px-2 py-1 text-xs font-medium text-white hover:bg-slate-700 {FOCUS_RING}")>"Move"</button>
            </ActionForm>
        </li>
    }
}
