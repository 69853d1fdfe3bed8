ALTER TABLE lead_import_errors DROP COLUMN value;
ALTER TABLE lead_imports DROP COLUMN number_format;
