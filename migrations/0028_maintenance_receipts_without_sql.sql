-- Receipts used to keep the failing statement's text and parameters in maintenance_runs.error,
-- which every tenant can read. They now keep `code: sentence` (src/cron/run.ts, receiptError);
-- older free-text errors are replaced by the generic sentence.
UPDATE maintenance_runs
   SET error = 'internal_error: The run stopped on an unexpected error.'
 WHERE error IS NOT NULL
   AND error !~ '^(skipped|abandoned|database_unavailable|database_error|internal_error): ';
