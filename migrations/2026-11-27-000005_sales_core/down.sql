DROP TABLE saved_views, tasks, activities, opportunity_history, opportunity_contacts,
    opportunities, leads, contacts, accounts, custom_fields, sales_settings, pipeline_stages;
