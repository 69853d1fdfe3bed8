DROP TABLE stripe_invoices;
DROP TABLE stripe_subscriptions;
DROP TABLE stripe_customers;
DROP TABLE stripe_events;
