//! Reading an uploaded CSV file: its encoding (UTF-8, with or without a byte-order mark, else
//! Windows-1252 as spreadsheets save it), its delimiter (comma, semicolon or tab, as found in
//! the header), its header and its rows, one at a time.

use models::sales::lead_import::{MAX_COLUMNS, MAX_ROWS};
use models::AppError;
use std::borrow::Cow;

/// Windows-1252's characters for the bytes 0x80–0x9F (undefined ones kept as they are).
const CP1252_HIGH: [char; 32] = [
    '€', '\u{81}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{8d}', 'Ž', '\u{8f}',
    '\u{90}', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{9d}', 'ž', 'Ÿ',
];

/// The file as text.
pub fn decode(bytes: &[u8]) -> Cow<'_, str> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(s) => Cow::Borrowed(s),
        Err(_) => Cow::Owned(
            bytes
                .iter()
                .map(|&b| match b {
                    0x80..=0x9F => CP1252_HIGH[usize::from(b - 0x80)],
                    _ => char::from(b),
                })
                .collect(),
        ),
    }
}

/// The delimiter the header line uses most, outside quotes.
pub fn delimiter(text: &str) -> u8 {
    let mut counts = [0usize; 3];
    let mut quoted = false;
    for c in text.chars() {
        match c {
            '"' => quoted = !quoted,
            '\n' | '\r' if !quoted => break,
            ',' if !quoted => counts[0] += 1,
            ';' if !quoted => counts[1] += 1,
            '\t' if !quoted => counts[2] += 1,
            _ => {}
        }
    }
    let best = (0..3).max_by_key(|&i| (counts[i], 3 - i)).unwrap_or(0);
    [b',', b';', b'\t'][best]
}

fn file_error(message: impl Into<String>) -> AppError {
    AppError::validation("file", message)
}

/// A CSV file being read: the header, then the data rows with their row numbers (the header
/// is row 1). Rows whose cells are all empty are passed over.
pub struct CsvRows<'a> {
    pub headers: Vec<String>,
    records: csv::StringRecordsIntoIter<&'a [u8]>,
    row_number: i32,
    rows: usize,
}

impl<'a> CsvRows<'a> {
    pub fn open(text: &'a str) -> Result<CsvRows<'a>, AppError> {
        if text.trim().is_empty() {
            return Err(file_error(
                "is empty: it needs a header row and at least one lead",
            ));
        }
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(delimiter(text))
            .flexible(true)
            .has_headers(true)
            .from_reader(text.as_bytes());
        let headers: Vec<String> = reader
            .headers()
            .map_err(|e| file_error(format!("has an unreadable header row ({e})")))?
            .iter()
            .map(|h| h.trim().to_string())
            .collect();
        if headers.iter().all(String::is_empty) {
            return Err(file_error(
                "has no header row: the first row must name the columns",
            ));
        }
        if headers.len() > MAX_COLUMNS {
            return Err(file_error(format!(
                "has {} columns; at most {MAX_COLUMNS} can be imported",
                headers.len()
            )));
        }
        Ok(CsvRows {
            headers,
            records: reader.into_records(),
            row_number: 1,
            rows: 0,
        })
    }
}

impl Iterator for CsvRows<'_> {
    type Item = Result<(i32, Vec<String>), AppError>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            let record = match self.records.next()? {
                Ok(r) => r,
                Err(e) => {
                    return Some(Err(file_error(format!(
                        "cannot be read after row {}: {e}",
                        self.row_number
                    ))))
                }
            };
            self.row_number += 1;
            if record.iter().all(|c| c.trim().is_empty()) {
                continue;
            }
            self.rows += 1;
            if self.rows > MAX_ROWS {
                return Some(Err(file_error(format!(
                    "has more than {MAX_ROWS} rows; split it into smaller files"
                ))));
            }
            return Some(Ok((
                self.row_number,
                record.iter().map(str::to_string).collect(),
            )));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> (Vec<String>, Vec<(i32, Vec<String>)>) {
        let rows = CsvRows::open(text).expect("valid");
        let headers = rows.headers.clone();
        (headers, rows.map(|r| r.expect("a row")).collect())
    }

    #[test]
    fn reads_quotes_newlines_and_blank_rows() {
        let (h, rows) = read(
            "Name,Notes\r\n\"Lovelace, Ada\",\"said \"\"hi\"\"\nthen left\"\r\n,\r\nBabbage,\r\n",
        );
        assert_eq!(h, vec!["Name", "Notes"]);
        assert_eq!(rows.len(), 2);
        assert_eq!(
            rows[0],
            (
                2,
                vec!["Lovelace, Ada".into(), "said \"hi\"\nthen left".into()]
            )
        );
        assert_eq!(rows[1].0, 4, "the blank row still counts as a row");
    }

    #[test]
    fn detects_semicolons_and_tabs() {
        assert_eq!(delimiter("a;b;\"c,d\"\n1,2,3,4,5"), b';');
        assert_eq!(delimiter("a\tb\tc"), b'\t');
        assert_eq!(delimiter("single"), b',');
        let (h, rows) = read("Last;E-mail\nHopper;grace@example.com\n");
        assert_eq!(h, vec!["Last", "E-mail"]);
        assert_eq!(rows[0].1, vec!["Hopper", "grace@example.com"]);
    }

    #[test]
    fn keeps_ragged_rows_for_the_importer_to_report() {
        let (_, rows) = read("a,b\n1\n1,2,3\n");
        assert_eq!(rows[0].1.len(), 1);
        assert_eq!(rows[1].1.len(), 3);
    }

    #[test]
    fn decodes_bom_and_windows_1252() {
        assert_eq!(decode(b"\xEF\xBB\xBFname"), "name");
        assert_eq!(decode(b"Andr\xe9 \x80 \x93"), "André € “");
    }

    #[test]
    fn refuses_empty_and_headerless_files() {
        for text in ["", " \n", ",,\n1,2,3"] {
            let e = CsvRows::open(text).err().expect("refused");
            assert!(matches!(e, AppError::Validation { ref field, .. } if field == "file"));
        }
    }
}
