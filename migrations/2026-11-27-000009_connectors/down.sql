REVOKE INSERT, UPDATE, DELETE ON job_schedules FROM sales_hunter_tenant;
DROP TABLE sync_run_errors;
DROP TABLE sync_runs;
DROP TABLE connector_links;
DROP TABLE connection_objects;
DROP TABLE connections;
