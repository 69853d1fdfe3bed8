DROP INDEX login_attempts_created_idx;
DROP TABLE password_resets;
DROP TABLE emails;
