DROP TABLE agent_bulk_runs;
DROP TABLE agent_runs;
DROP TABLE agent_spend;
DROP TABLE agent_budgets;
DROP TABLE agent_provider_keys;
DROP TABLE agent_configs;
DROP TABLE usage_events;
