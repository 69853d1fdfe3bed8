DROP TABLE qualification_overrides;
DROP TABLE qualification_extractions;
