use super::FOCUS_RING;
use leptos::prelude::*;
use std::cmp::Ordering;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SortDir {
    Asc,
    Desc,
}

/// Which column a [`DataTable`] is sorted by. The page sorts its rows with [`SortState::apply`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SortState {
    pub key: &'static str,
    pub dir: SortDir,
}

impl SortState {
    pub fn new(key: &'static str, dir: SortDir) -> Self {
        SortState { key, dir }
    }

    /// `ordering` (ascending) turned the right way round.
    pub fn apply(&self, ordering: Ordering) -> Ordering {
        match self.dir {
            SortDir::Asc => ordering,
            SortDir::Desc => ordering.reverse(),
        }
    }

    /// Clicking a header: the same column flips direction, another column sorts ascending.
    pub fn toggled(self, key: &'static str) -> Self {
        if self.key == key {
            let dir = if self.dir == SortDir::Asc {
                SortDir::Desc
            } else {
                SortDir::Asc
            };
            SortState { key, dir }
        } else {
            SortState {
                key,
                dir: SortDir::Asc,
            }
        }
    }
}

/// One column of a [`DataTable`].
#[derive(Clone, Debug)]
pub struct Column {
    pub key: &'static str,
    pub label: &'static str,
    pub sortable: bool,
}

impl Column {
    pub fn sortable(key: &'static str, label: &'static str) -> Self {
        Column {
            key,
            label,
            sortable: true,
        }
    }

    pub fn plain(key: &'static str, label: &'static str) -> Self {
        Column {
            key,
            label,
            sortable: false,
        }
    }
}

/// A data table with sortable headers (buttons, announced with `aria-sort`) and an empty
/// state. Rows come as children (`<tr>`s); the page sorts them by `sort`.
#[component]
pub fn DataTable(
    /// Read by screen readers: what the table lists.
    #[prop(into)]
    caption: String,
    columns: Vec<Column>,
    sort: RwSignal<SortState>,
    #[prop(into)] is_empty: Signal<bool>,
    #[prop(into)] empty_message: String,
    #[prop(optional, into)] test_id: Option<String>,
    children: Children,
) -> impl IntoView {
    let span = columns.len();
    let headers = columns
        .into_iter()
        .map(|col| {
            let key = col.key;
            let aria_sort = move || {
                let s = sort.get();
                (s.key == key).then_some(if s.dir == SortDir::Asc { "ascending" } else { "descending" })
            };
            let content = if col.sortable {
                view! {
                    <button
                        type="button"
                        class=format!("group inline-flex items-center gap-1 rounded {FOCUS_RING}")
                        on:click=move |_| sort.update(|s| *s = s.toggled(key))
                    >
                        {col.label}
                        <span class="text-slate-400 group-hover:text-slate-600" aria-hidden="true">
                            {move || {
                                let s = sort.get();
                                match (s.key == key, s.dir) {
                                    (true, SortDir::Asc) => "▲",
                                    (true, SortDir::Desc) => "▼",
                                    _ => "↕",
                                }
                            }}
                        </span>
                    </button>
                }
                .into_any()
            } else {
                view! { <span>{col.label}</span> }.into_any()
            };
            view! {
                <th scope="col" aria-sort=aria_sort class="px-4 py-3 text-left text-xs font-semibold uppercase tracking-wide text-slate-600">
                    {content}
                </th>
            }
        })
        .collect_view();
    view! {
        <div class="overflow-x-auto rounded-lg bg-white shadow-sm ring-1 ring-slate-200">
            <table class="min-w-full divide-y divide-slate-200" data-testid=test_id>
                <caption class="sr-only">{caption}</caption>
                <thead class="bg-slate-50">
                    <tr>{headers}</tr>
                </thead>
                <tbody class="divide-y divide-slate-100 text-sm">
                    {children()}
                    {move || is_empty.get().then(|| {
                        let message = empty_message.clone();
                        view! {
                            <tr>
                                <td colspan=span class="px-4 py-10 text-center text-sm text-slate-500">{message}</td>
                            </tr>
                        }
                    })}
                </tbody>
            </table>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn toggling_flips_then_switches_columns() {
        let s = SortState::new("name", SortDir::Asc);
        assert_eq!(s.toggled("name"), SortState::new("name", SortDir::Desc));
        assert_eq!(
            s.toggled("name").toggled("email"),
            SortState::new("email", SortDir::Asc)
        );
        assert_eq!(
            SortState::new("x", SortDir::Desc).apply(Ordering::Less),
            Ordering::Greater
        );
    }
}
