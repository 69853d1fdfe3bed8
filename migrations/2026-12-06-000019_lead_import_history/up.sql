-- Imports of real exports (issue 21): each import reads its numbers in the file's own format
-- (detected on upload, switchable while mapping), and a row that fails keeps the value that
-- broke it, so the list of rows not imported can show it.
ALTER TABLE lead_imports ADD COLUMN number_format text NOT NULL DEFAULT 'point'
    CHECK (number_format IN ('point', 'comma'));
ALTER TABLE lead_import_errors ADD COLUMN value text NOT NULL DEFAULT '';
