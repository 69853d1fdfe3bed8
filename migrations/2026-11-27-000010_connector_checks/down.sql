DROP TABLE connector_seen;
ALTER TABLE connection_objects
    DROP COLUMN checked_at,
    DROP COLUMN check_started_at,
    DROP COLUMN check_cursor_at,
    DROP COLUMN check_cursor_id;
