DROP TABLE lead_import_errors, lead_import_rows, lead_imports;
