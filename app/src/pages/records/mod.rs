//! What the accounts and contacts pages share: the list page (the leads manager's parts —
//! filters in the URL, saved views, keyset pages, bulk actions, CSV export), the filter
//! form, and the detail pages' panels. Each table says only what is its own: its columns
//! and cells (`ListedRecord`) and its server functions.

mod deals;
pub mod detail;
mod filters;
mod list;

pub use deals::DealsPanel;
pub use detail::{custom_rows, field_row, ConfirmDelete, DeletePanel};
pub use list::{ListedRecord, NewRecordMenu, RecordListPage, RecordSource};
