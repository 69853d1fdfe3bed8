DROP TABLE connector_retries;
ALTER TABLE connection_objects DROP COLUMN unseen_fields, DROP COLUMN resync_requested;
