DROP FUNCTION refresh_sales_statistics();
