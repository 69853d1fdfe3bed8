//! How an import reads a file's values as the file writes them: numbers in the file's own
//! format (`1.250.000,50`, `850.000,00 €`, `$1,250,000.00`, `1'200`), detected per file;
//! dates as exports write them; lead statuses as Salesforce and HubSpot name them.

use super::lead::LeadStatus;
use super::str_enum;
use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};

str_enum!(
    /// Which character separates a number's decimals in a file.
    NumberFormat {
        Point => "point", "1,234.56 (decimal point)";
        Comma => "comma", "1.234,56 (decimal comma)";
    }
);

impl NumberFormat {
    /// A number written this way, for messages.
    pub fn example(self) -> &'static str {
        match self {
            NumberFormat::Point => "1,234.56",
            NumberFormat::Comma => "1.234,56",
        }
    }

    fn decimal(self) -> char {
        match self {
            NumberFormat::Point => '.',
            NumberFormat::Comma => ',',
        }
    }

    fn is_group(self, c: char) -> bool {
        matches!(c, ' ' | '\u{a0}' | '\u{202f}' | '\'' | '’')
            || c == match self {
                NumberFormat::Point => ',',
                NumberFormat::Comma => '.',
            }
    }
}

/// Currency signs and codes a money cell may carry before or after its number.
const CURRENCY: [&str; 12] = [
    "€", "$", "£", "¥", "₹", "EUR", "USD", "GBP", "CHF", "JPY", "CAD", "AUD",
];

fn strip_currency(v: &str) -> &str {
    let mut v = v.trim();
    loop {
        let before = v;
        for c in CURRENCY {
            if let Some(rest) = v.strip_prefix(c) {
                v = rest.trim_start();
            }
            if let Some(rest) = v.strip_suffix(c) {
                v = rest.trim_end();
            }
        }
        if v == before {
            return v;
        }
    }
}

/// A number as `format` writes it, as plain digits with an optional `-` and `.` decimals
/// (`"1.250.000,50"` in the comma format → `"1250000.50"`); `None` when it is not one. Groups
/// of thousands must be whole (`1.2.3` is not a number), and a currency sign or code before
/// or after the number is allowed.
pub fn parse_number(text: &str, format: NumberFormat) -> Option<String> {
    let v = strip_currency(text);
    let (negative, v) = match v.strip_prefix('-').or_else(|| v.strip_prefix('−')) {
        Some(rest) => (true, strip_currency(rest)),
        None => (false, v.strip_prefix('+').unwrap_or(v)),
    };
    let (int, frac) = match v.rsplit_once(format.decimal()) {
        Some((i, f)) => (i, Some(f)),
        None => (v, None),
    };
    if let Some(f) = frac {
        if f.is_empty() || !f.chars().all(|c| c.is_ascii_digit()) {
            return None;
        }
    }
    let mut digits = String::new();
    if int.chars().any(|c| format.is_group(c)) {
        let sep = int.chars().find(|c| format.is_group(*c))?;
        for (i, group) in int.split(sep).enumerate() {
            let ok = group.chars().all(|c| c.is_ascii_digit())
                && if i == 0 {
                    (1..=3).contains(&group.len())
                } else {
                    group.len() == 3
                };
            if !ok {
                return None;
            }
            digits.push_str(group);
        }
    } else {
        if !int.chars().all(|c| c.is_ascii_digit()) || (int.is_empty() && frac.is_none()) {
            return None;
        }
        digits.push_str(if int.is_empty() { "0" } else { int });
    }
    let mut out = String::with_capacity(digits.len() + 4);
    if negative {
        out.push('-');
    }
    out.push_str(&digits);
    if let Some(f) = frac {
        out.push('.');
        out.push_str(f);
    }
    Some(out)
}

/// A whole number as `format` writes it (`1.200` in the comma format, `1,200.00` in the
/// point format); the message when it is not one.
pub fn parse_whole(text: &str, format: NumberFormat) -> Result<i64, String> {
    let plain = parse_number(text, format).ok_or_else(|| {
        format!(
            "“{}” is not a number as this file writes them ({})",
            text.trim(),
            format.example()
        )
    })?;
    let (int, frac) = plain.split_once('.').unwrap_or((&plain, ""));
    if frac.chars().any(|c| c != '0') {
        return Err(format!("“{}” is not a whole number", text.trim()));
    }
    int.parse()
        .map_err(|_| format!("“{}” is too large", text.trim()))
}

/// What one cell says about the file's number format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Vote {
    NotANumber,
    /// A number either way, the same in both (`1200`, `1 200`).
    Either,
    /// A number in both formats, but not the same one (`1.200`, `1,200`).
    Ambiguous,
    Only(NumberFormat),
}

fn vote(text: &str) -> Vote {
    let point = parse_number(text, NumberFormat::Point);
    let comma = parse_number(text, NumberFormat::Comma);
    match (point, comma) {
        (None, None) => Vote::NotANumber,
        (Some(_), None) => Vote::Only(NumberFormat::Point),
        (None, Some(_)) => Vote::Only(NumberFormat::Comma),
        (Some(p), Some(c)) if p == c => Vote::Either,
        _ => Vote::Ambiguous,
    }
}

/// Per column: how many cells only one format reads, and how many are not numbers.
#[derive(Debug, Clone, Default)]
struct ColumnVotes {
    point: u32,
    comma: u32,
    numbers: u32,
    others: u32,
}

/// The evidence for a file's number format, gathered from its cells as they are read.
#[derive(Debug, Clone, Default)]
pub struct NumberFormatVotes {
    columns: Vec<ColumnVotes>,
}

impl NumberFormatVotes {
    /// Counts a row's cells.
    pub fn add_row(&mut self, cells: &[String]) {
        if self.columns.len() < cells.len() {
            self.columns.resize(cells.len(), ColumnVotes::default());
        }
        for (col, cell) in self.columns.iter_mut().zip(cells) {
            if cell.trim().is_empty() {
                continue;
            }
            match vote(cell) {
                Vote::NotANumber => col.others += 1,
                Vote::Either | Vote::Ambiguous => col.numbers += 1,
                Vote::Only(f) => {
                    col.numbers += 1;
                    match f {
                        NumberFormat::Point => col.point += 1,
                        NumberFormat::Comma => col.comma += 1,
                    }
                }
            }
        }
    }

    /// The format the numeric columns (nine in ten of their filled cells numbers) agree on;
    /// when they do not tell (`1.200` alone reads both ways), a `;`-separated file writes
    /// decimal commas, as spreadsheets in those locales save it.
    pub fn decide(&self, delimiter: u8) -> NumberFormat {
        let (mut point, mut comma) = (0u32, 0u32);
        for c in &self.columns {
            if c.numbers > 0 && c.others * 9 <= c.numbers {
                point += c.point;
                comma += c.comma;
            }
        }
        if comma > point {
            NumberFormat::Comma
        } else if point > comma {
            NumberFormat::Point
        } else if delimiter == b';' {
            NumberFormat::Comma
        } else {
            NumberFormat::Point
        }
    }
}

/// A date (and maybe a time, read as UTC) as exports write them: ISO (`2024-01-15`,
/// `2024-01-15 10:30`, RFC 3339), German (`15.01.2024 10:30`) and slashed (`1/15/2024`,
/// month first as Salesforce's and HubSpot's US exports write it, else day first when the
/// first part cannot be a month: `25/01/2024`).
pub fn parse_date_time(text: &str) -> Option<DateTime<Utc>> {
    let v = text.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(v) {
        return Some(t.with_timezone(&Utc));
    }
    let v = v.trim_end_matches(" UTC").trim_end_matches('Z');
    const WITH_TIME: [&str; 12] = [
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%d %H:%M",
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%dT%H:%M",
        "%d.%m.%Y %H:%M:%S",
        "%d.%m.%Y %H:%M",
        "%m/%d/%Y %I:%M %p",
        "%m/%d/%Y %I:%M:%S %p",
        "%m/%d/%Y %H:%M",
        "%d/%m/%Y %I:%M %p",
        "%d/%m/%Y %H:%M",
        "%m/%d/%Y, %I:%M %p",
    ];
    const DATE_ONLY: [&str; 5] = ["%Y-%m-%d", "%d.%m.%Y", "%m/%d/%Y", "%d/%m/%Y", "%Y/%m/%d"];
    for f in WITH_TIME {
        if let Ok(t) = NaiveDateTime::parse_from_str(v, f) {
            return Some(t.and_utc());
        }
    }
    DATE_ONLY.iter().find_map(|f| {
        NaiveDate::parse_from_str(v, f)
            .ok()
            .and_then(|d| d.and_hms_opt(0, 0, 0))
            .map(|t| t.and_utc())
    })
}

/// A lead status as a file names it: ours (`working`), or Salesforce's and HubSpot's standard
/// lead statuses and lifecycle stages (`Closed - Converted`, `Attempted to contact`,
/// `salesqualifiedlead`, `Customer`).
pub fn lead_status_of(text: &str) -> Option<LeadStatus> {
    let key: String = text
        .chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect();
    if let Some(s) = LeadStatus::parse(&key) {
        return Some(s);
    }
    Some(match key.as_str() {
        "open" | "opennotcontacted" | "notcontacted" | "subscriber" | "lead" | "other" | "neu"
        | "offen" => LeadStatus::New,
        "workingcontacted"
        | "contacted"
        | "inprogress"
        | "attemptedtocontact"
        | "connected"
        | "opendeal"
        | "marketingqualifiedlead"
        | "mql"
        | "inbearbeitung" => LeadStatus::Working,
        "nurturing" | "badtiming" => LeadStatus::Nurture,
        "salesqualifiedlead" | "sql" | "qualifiziert" => LeadStatus::Qualified,
        "closednotconverted" | "unqualified" | "notconverted" | "junk" => LeadStatus::Disqualified,
        "closedconverted" | "opportunity" | "customer" | "evangelist" | "konvertiert" => {
            LeadStatus::Converted
        }
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use NumberFormat::{Comma, Point};

    #[test]
    fn numbers_read_in_each_format() {
        assert_eq!(
            parse_number("1.250.000,50", Comma).as_deref(),
            Some("1250000.50")
        );
        assert_eq!(
            parse_number("850.000,00 €", Comma).as_deref(),
            Some("850000.00")
        );
        assert_eq!(
            parse_number("$1,250,000.00", Point).as_deref(),
            Some("1250000.00")
        );
        assert_eq!(parse_number("-$1,250", Point).as_deref(), Some("-1250"));
        assert_eq!(parse_number("1'200", Point).as_deref(), Some("1200"));
        assert_eq!(
            parse_number("1\u{a0}200,5", Comma).as_deref(),
            Some("1200.5")
        );
        assert_eq!(parse_number("EUR 12,5", Comma).as_deref(), Some("12.5"));
        assert_eq!(parse_number("1.200", Comma).as_deref(), Some("1200"));
        assert_eq!(parse_number("1.200", Point).as_deref(), Some("1.200"));
        for bad in [
            "ca. 50",
            "1.2.3",
            "12,34,5",
            "",
            "€",
            "1,2",
            "50+",
            "+49 30 1234567",
        ] {
            assert_eq!(parse_number(bad, Point), None, "{bad}");
        }
        assert_eq!(parse_number("1,2", Comma).as_deref(), Some("1.2"));
        assert_eq!(parse_whole("1.200", Comma), Ok(1200));
        assert_eq!(parse_whole("1,200.00", Point), Ok(1200));
        assert!(parse_whole("1.200", Point)
            .expect_err("refused")
            .contains("“1.200” is not a whole number"));
        assert!(parse_whole("ca. 50", Point)
            .expect_err("refused")
            .contains("“ca. 50”"));
    }

    fn decide(rows: &[&[&str]], delimiter: u8) -> NumberFormat {
        let mut votes = NumberFormatVotes::default();
        for r in rows {
            votes.add_row(&r.iter().map(|s| s.to_string()).collect::<Vec<_>>());
        }
        votes.decide(delimiter)
    }

    #[test]
    fn the_file_decides_ambiguous_values() {
        // `1.200` alone reads both ways: another column's `850.000,00 €` settles it.
        assert_eq!(
            decide(&[&["1.200", "850.000,00 €"], &["50", "12,5"]], b','),
            Comma
        );
        assert_eq!(
            decide(&[&["1,200", "$1,250,000.00"], &["50", ""]], b';'),
            Point
        );
        // Nothing but ambiguous numbers: the delimiter hints.
        assert_eq!(decide(&[&["1.200", "Müller"]], b';'), Comma);
        assert_eq!(decide(&[&["1.200", "Smith, Ada"]], b','), Point);
        // Text columns with a stray number-like cell do not vote.
        assert_eq!(
            decide(&[&["Hauptstr. 1,5"], &["12.5"], &["Weg 2"], &["x"]], b';'),
            Comma
        );
    }

    #[test]
    fn dates_and_statuses_read_as_exports_write_them() {
        let d = |s: &str| parse_date_time(s).map(|t| t.format("%Y-%m-%d %H:%M").to_string());
        assert_eq!(d("2024-01-15").as_deref(), Some("2024-01-15 00:00"));
        assert_eq!(d("2024-01-15 10:30").as_deref(), Some("2024-01-15 10:30"));
        assert_eq!(
            d("2024-01-15T10:30:00Z").as_deref(),
            Some("2024-01-15 10:30")
        );
        assert_eq!(d("15.01.2024").as_deref(), Some("2024-01-15 00:00"));
        assert_eq!(d("1/15/2024").as_deref(), Some("2024-01-15 00:00"));
        assert_eq!(d("25/01/2024 14:05").as_deref(), Some("2024-01-25 14:05"));
        assert_eq!(d("3/4/2024 2:05 PM").as_deref(), Some("2024-03-04 14:05"));
        assert_eq!(d("31.02.2024"), None);
        assert_eq!(d("soon"), None);
        assert_eq!(
            lead_status_of("Closed - Converted"),
            Some(LeadStatus::Converted)
        );
        assert_eq!(
            lead_status_of("Open - Not Contacted"),
            Some(LeadStatus::New)
        );
        assert_eq!(lead_status_of("Working"), Some(LeadStatus::Working));
        assert_eq!(
            lead_status_of("salesqualifiedlead"),
            Some(LeadStatus::Qualified)
        );
        assert_eq!(lead_status_of("maybe"), None);
    }
}
