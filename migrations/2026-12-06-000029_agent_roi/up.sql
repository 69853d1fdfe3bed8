-- What an agent's run saves a person, in minutes, per agent: the ROI's hours saved are
-- runs times these. Platform-wide, set by platform admins; every tenant reads them.
CREATE TABLE agent_minutes_saved (
    agent       text PRIMARY KEY,
    minutes     integer NOT NULL CHECK (minutes BETWEEN 0 AND 1440),
    updated_at  timestamptz NOT NULL DEFAULT now()
);
INSERT INTO agent_minutes_saved (agent, minutes)
VALUES ('prospector', 10), ('qualifier', 15), ('pipeline_analyst', 30);
GRANT SELECT ON agent_minutes_saved TO sales_hunter_tenant;

