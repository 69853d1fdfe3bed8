DROP TABLE invoice_lines;
DROP TABLE invoices;
DROP SEQUENCE invoice_numbers;
ALTER TABLE subscriptions DROP COLUMN tax_rate_bp;
