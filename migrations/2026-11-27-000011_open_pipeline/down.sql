DROP TRIGGER open_pipeline_insert ON opportunities;
DROP TRIGGER open_pipeline_update ON opportunities;
DROP TRIGGER open_pipeline_delete ON opportunities;
DROP FUNCTION open_pipeline_record();
DROP FUNCTION compact_open_pipeline();
DROP TABLE open_pipeline_changes;
