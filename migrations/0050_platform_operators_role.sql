-- The role that owns the operator functions (app.operator_*, issue 14). NOLOGIN and without
-- BYPASSRLS: what operators may read and change is written as its own policies, table by table.
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'app_platform') THEN
    CREATE ROLE app_platform NOLOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE NOINHERIT;
  END IF;
END
$$;
--> statement-breakpoint
ALTER ROLE app_platform NOLOGIN NOSUPERUSER NOBYPASSRLS;
--> statement-breakpoint
-- The migrating role hands the operator functions over to app_platform.
GRANT app_platform TO current_user;
--> statement-breakpoint
GRANT USAGE ON SCHEMA public, app TO app_platform;
