DROP TABLE stage_stall_limits;
