//! The sales core as it crosses the wire: leads, accounts, contacts, opportunities, the
//! pipeline, activities, tasks, custom fields and the dashboard.

pub mod account;
pub mod activity;
pub mod contact;
pub mod custom_field;
pub mod dashboard;
pub mod import_values;
pub mod lead;
pub mod lead_import;
pub mod lead_query;
pub mod opportunity;
pub mod paths;
pub mod record_query;
pub mod search;
pub mod settings;
pub mod stage;
pub mod view_params;

/// An enum stored and sent as snake_case text, with labels for the UI: `as_str`, `parse`,
/// `label`, `ALL`, `options`, serde, and (server side) the SQL mapping.
macro_rules! str_enum {
    ($(#[$doc:meta])* $name:ident { $($(#[$vdoc:meta])* $variant:ident => $text:literal, $label:literal;)+ }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
        #[cfg_attr(feature = "diesel", derive(diesel::AsExpression, diesel::FromSqlRow))]
        #[cfg_attr(feature = "diesel", diesel(sql_type = diesel::sql_types::Text))]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
        #[serde(rename_all = "snake_case")]
        pub enum $name {
            $($(#[$vdoc])* $variant,)+
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant,)+];

            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text,)+
                }
            }

            pub fn label(self) -> &'static str {
                match self {
                    $($name::$variant => $label,)+
                }
            }

            pub fn parse(s: &str) -> Option<$name> {
                match s {
                    $($text => Some($name::$variant),)+
                    _ => None,
                }
            }

            /// Every value as (stored text, label): a select's options.
            pub fn options() -> Vec<(String, String)> {
                Self::ALL
                    .iter()
                    .map(|v| (v.as_str().to_string(), v.label().to_string()))
                    .collect()
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.label())
            }
        }

        #[cfg(feature = "diesel")]
        crate::sql::text_enum!($name);
    };
}
pub(crate) use str_enum;

/// Formats integer minor units of a currency for people: `1234567` USD → `$12,345.67`,
/// rounded to whole units when `whole` is set.
pub fn format_money(minor: i64, currency: &str, whole: bool) -> String {
    let units_minor = minor.unsigned_abs();
    let units = if whole {
        (units_minor + 50) / 100
    } else {
        units_minor / 100
    };
    let cents = if whole {
        String::new()
    } else {
        format!(".{:02}", units_minor % 100)
    };
    with_symbol(
        minor < 0,
        &format!("{}{cents}", group_thousands(units)),
        currency,
    )
}

/// Money short enough for a card: whole units below 10,000 (`$9,876`), else three
/// significant digits and a suffix (`$58.7K`, `$3.49M`, `$1.2B`). Show the exact amount
/// (`format_money`) beside it, on hover.
pub fn format_money_compact(minor: i64, currency: &str) -> String {
    let units = (minor.unsigned_abs() + 50) / 100;
    if units < 10_000 {
        return format_money(minor, currency, true);
    }
    const SCALES: [(f64, &str); 4] = [(1e3, "K"), (1e6, "M"), (1e9, "B"), (1e12, "T")];
    let mut body = String::new();
    for (i, (scale, suffix)) in SCALES.iter().enumerate() {
        let scaled = units as f64 / scale;
        let decimals = if scaled < 9.995 {
            2
        } else if scaled < 99.95 {
            1
        } else {
            0
        };
        let text = format!("{scaled:.decimals$}");
        // 999,950 is "1.00M", not "1000K".
        if text.parse::<f64>().unwrap_or(0.0) < 1000.0 || i == SCALES.len() - 1 {
            let text = if text.contains('.') {
                text.trim_end_matches('0').trim_end_matches('.').to_string()
            } else {
                text
            };
            body = format!("{text}{suffix}");
            break;
        }
    }
    with_symbol(minor < 0, &body, currency)
}

fn with_symbol(negative: bool, amount: &str, currency: &str) -> String {
    let symbol = match currency {
        "USD" => "$",
        "EUR" => "€",
        "GBP" => "£",
        _ => "",
    };
    let sign = if negative { "-" } else { "" };
    if symbol.is_empty() {
        format!("{sign}{amount} {currency}")
    } else {
        format!("{sign}{symbol}{amount}")
    }
}

/// `1234567` → `1,234,567`.
pub fn group_thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut grouped = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(c);
    }
    grouped
}

/// Parses an amount typed by a person ("12,500", "12500.5", "$1,000") into minor units.
pub fn parse_money(field: &str, value: &str) -> Result<i64, crate::AppError> {
    let bad = || crate::AppError::validation(field, "must be an amount such as 12500 or 12,500.00");
    let cleaned: String = value
        .trim()
        .chars()
        .filter(|c| !matches!(c, ',' | ' ' | '$' | '€' | '£' | '_'))
        .collect();
    if cleaned.is_empty() {
        return Ok(0);
    }
    let (whole, frac) = cleaned.split_once('.').unwrap_or((&cleaned, ""));
    if whole.is_empty() && frac.is_empty()
        || !whole.chars().all(|c| c.is_ascii_digit())
        || !frac.chars().all(|c| c.is_ascii_digit())
        || frac.len() > 2
    {
        return Err(bad());
    }
    let whole: i64 = if whole.is_empty() {
        0
    } else {
        whole.parse().map_err(|_| bad())?
    };
    let frac: i64 = format!("{frac:0<2}").parse().map_err(|_| bad())?;
    whole
        .checked_mul(100)
        .and_then(|w| w.checked_add(frac))
        .filter(|v| *v <= 100_000_000_000_000)
        .ok_or_else(|| crate::AppError::validation(field, "is too large"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compact_money_keeps_three_digits_and_a_suffix() {
        let cases = [
            (987_600, "USD", "$9,876"),
            (999_949, "USD", "$9,999"),
            (1_000_000, "USD", "$10K"),
            (5_872_800, "USD", "$58.7K"),
            (5_872_800, "GBP", "£58.7K"),
            (349_150_000, "USD", "$3.49M"),
            (350_000_000, "USD", "$3.5M"),
            (99_995_000, "USD", "$1M"),
            (99_900_000, "USD", "$999K"),
            (12_000_000_000, "EUR", "€120M"),
            (123_456_789_000, "USD", "$1.23B"),
            (-349_150_000, "USD", "-$3.49M"),
            (349_150_000, "CHF", "3.49M CHF"),
            (0, "USD", "$0"),
        ];
        for (minor, currency, want) in cases {
            assert_eq!(
                format_money_compact(minor, currency),
                want,
                "{minor} {currency}"
            );
        }
    }

    #[test]
    fn money_round_trips() {
        assert_eq!(format_money(1_234_567, "USD", false), "$12,345.67");
        assert_eq!(format_money(1_234_567, "USD", true), "$12,346");
        assert_eq!(format_money(100, "CHF", true), "1 CHF");
        assert_eq!(format_money(-12_345_678, "EUR", false), "-€123,456.78");
        assert_eq!(format_money(0, "USD", false), "$0.00");
        assert_eq!(parse_money("amount", "12,500.5"), Ok(1_250_050));
        assert_eq!(parse_money("amount", "$1,000"), Ok(100_000));
        assert_eq!(parse_money("amount", ""), Ok(0));
        for bad in ["abc", "1.234", "-5", "1e5", "."] {
            assert_eq!(
                parse_money("amount", bad).map_err(|e| e.field().map(str::to_string)),
                Err(Some("amount".into())),
                "{bad}"
            );
        }
    }
}
