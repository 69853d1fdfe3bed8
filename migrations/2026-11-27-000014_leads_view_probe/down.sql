DROP FUNCTION leads_matching_view(text[], text, uuid, boolean, text, smallint, smallint,
    timestamptz, timestamptz, jsonb, integer);
