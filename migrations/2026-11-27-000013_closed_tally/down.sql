DROP TRIGGER closed_tally_insert ON opportunities;
DROP TRIGGER closed_tally_update ON opportunities;
DROP TRIGGER closed_tally_delete ON opportunities;
DROP FUNCTION closed_tally_record();
DROP FUNCTION compact_closed_tally();
DROP TABLE closed_tally_changes;
DROP INDEX opportunities_cycle_idx;
ALTER TABLE opportunities DROP COLUMN cycle_bucket;
