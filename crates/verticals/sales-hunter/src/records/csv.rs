//! The sales exports' header rows and custom-field cells; the CSV lines themselves are
//! `platform::csv`'s.

use models::sales::custom_field::{value_as_text, CustomField, CustomObject};
use platform::db::Db;
use platform::{Error, RequestContext};

pub use platform::csv::{csv_field, csv_line};

/// An export's header row (its standard `columns`, then one per custom field of `object`,
/// by label) and those custom fields, in column order.
pub async fn export_header(
    db: &Db,
    ctx: &RequestContext,
    object: CustomObject,
    columns: &[&str],
) -> Result<(String, Vec<CustomField>), Error> {
    let defs = db
        .tenant_tx(ctx.tenant_id, async |conn| {
            crate::custom_fields::definitions(conn, object).await
        })
        .await?;
    let header = csv_line(
        columns
            .iter()
            .map(|c| c.to_string())
            .chain(defs.iter().map(|d| d.label.clone())),
    );
    Ok((header, defs))
}

/// One line: the standard cells, then the record's custom values in `defs` order.
pub fn record_line<const N: usize>(
    fixed: [String; N],
    custom: &serde_json::Value,
    defs: &[CustomField],
) -> String {
    let custom = defs
        .iter()
        .map(|d| custom.get(&d.key).map(value_as_text).unwrap_or_default());
    csv_line(fixed.into_iter().chain(custom))
}
