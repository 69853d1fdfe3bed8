//! CSV lines as every export writes them (leads, accounts, contacts, an import's failed rows).

use models::sales::custom_field::{value_as_text, CustomField, CustomObject};
use platform::db::Db;
use platform::{Error, RequestContext};

/// One CSV field: quoted when it must be, and a leading `= + - @` defused so a spreadsheet
/// does not run it as a formula.
pub fn csv_field(value: &str) -> String {
    let value = if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{value}")
    } else {
        value.to_string()
    };
    if value.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value
    }
}

pub fn csv_line(fields: impl IntoIterator<Item = String>) -> String {
    let mut out = fields
        .into_iter()
        .map(|f| csv_field(&f))
        .collect::<Vec<_>>()
        .join(",");
    out.push_str("\r\n");
    out
}

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

#[cfg(test)]
mod tests {
    use super::csv_field;

    #[test]
    fn fields_are_quoted_and_formulas_defused() {
        assert_eq!(csv_field("plain"), "plain");
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_field("=SUM(A1)"), "'=SUM(A1)");
        assert_eq!(csv_field("-5"), "'-5");
    }
}
