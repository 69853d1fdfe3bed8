DROP TABLE agent_minutes_saved;
