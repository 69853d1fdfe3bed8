//! The vertical's audit actions, named `noun.verb` like the platform's.

pub const CUSTOM_FIELD_CREATED: &str = "custom_field.created";
pub const LEAD_CREATED: &str = "lead.created";
pub const LEAD_UPDATED: &str = "lead.updated";
pub const LEAD_DELETED: &str = "lead.deleted";
pub const LEAD_CONVERTED: &str = "lead.converted";
pub const OPPORTUNITY_CREATED: &str = "opportunity.created";
pub const OPPORTUNITY_UPDATED: &str = "opportunity.updated";
pub const OPPORTUNITY_DELETED: &str = "opportunity.deleted";
pub const ACCOUNT_DELETED: &str = "account.deleted";
pub const CONTACT_DELETED: &str = "contact.deleted";
pub const ACTIVITY_LOGGED: &str = "activity.logged";
pub const TASK_CREATED: &str = "task.created";
pub const TASK_COMPLETED: &str = "task.completed";
pub const SAVED_VIEW_CREATED: &str = "saved_view.created";
pub const SAVED_VIEW_DELETED: &str = "saved_view.deleted";
pub const LEAD_IMPORT_UPLOADED: &str = "lead_import.uploaded";
pub const LEAD_IMPORT_STARTED: &str = "lead_import.started";
pub const LEAD_IMPORT_CANCELLED: &str = "lead_import.cancelled";
pub const LEAD_IMPORT_DELETED: &str = "lead_import.deleted";
pub const STAGE_CREATED: &str = "stage.created";
pub const STAGE_UPDATED: &str = "stage.updated";
pub const STAGE_MOVED: &str = "stage.moved";
pub const STAGE_REMOVED: &str = "stage.removed";
pub const SALES_SETTINGS_UPDATED: &str = "sales_settings.updated";
