//! The component kit every page uses. Extend it rather than styling one-offs in a page.
//!
//! All components are keyboard-usable (visible focus rings, Enter submits forms, Esc closes
//! overlays) and labelled for assistive technology.

pub mod badge;
pub mod button;
pub mod charts;
pub mod custom_inputs;
pub mod empty_state;
pub mod form;
pub mod kpi_card;
pub mod list;
pub mod modal;
pub mod page_header;
pub mod select;
pub mod table;
pub mod text_input;
pub mod toast;

pub use badge::{Badge, Tone};
pub use button::{Button, ButtonVariant};
pub use charts::{BarChart, TrendChart, WonLostChart};
pub use custom_inputs::CustomFieldInputs;
pub use empty_state::EmptyState;
pub use form::{field_error, form_error, record_form_error, reset_after_success, FormAlert};
pub use kpi_card::KpiCard;
pub use list::{count_label, owner_options, BulkBar, Pager, SavedViews, SortHeader};
pub use modal::{Modal, ModalKind};
pub use page_header::PageHeader;
pub use select::Select;
pub use table::{Column, DataTable, SortDir, SortState};
pub use text_input::TextInput;
pub use toast::{provide_toasts, toast_results, use_toasts, ToastKind, ToastRegion, Toasts};

/// The focus ring shared by every interactive element.
pub const FOCUS_RING: &str =
    "focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-indigo-500 focus-visible:ring-offset-2";
