ALTER POLICY tenant_isolation ON open_pipeline_changes USING (tenant_id = app_current_tenant());
ALTER POLICY tenant_isolation ON people_tally_changes USING (tenant_id = app_current_tenant());
ALTER POLICY tenant_isolation ON closed_tally_changes USING (tenant_id = app_current_tenant());
