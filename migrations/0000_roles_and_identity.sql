-- Roles, the app schema and the identity readers that RLS policies call.
-- Hand-written: drizzle-kit cannot express roles created idempotently or function bodies.
--
-- Roles are cluster-wide, so they may already exist (another database on the same server, or a
-- re-created database): create them only when missing. They get LOGIN but no password here; the
-- operator sets one on Neon (README "Deploy"). They are created with SQL, not in the Neon console,
-- because console-created roles join neon_superuser, which has BYPASSRLS.
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'app_api') THEN
    CREATE ROLE app_api LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE NOINHERIT;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'app_maintenance') THEN
    CREATE ROLE app_maintenance LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE NOINHERIT;
  END IF;
  -- Owns the SECURITY DEFINER functions: they run with only the reads identity checks need,
  -- never as the table owner.
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'app_auth') THEN
    CREATE ROLE app_auth NOLOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE NOINHERIT;
  END IF;
END
$$;
--> statement-breakpoint
-- A role that pre-existed may have been altered by hand: make the promise hold regardless.
ALTER ROLE app_api NOSUPERUSER NOBYPASSRLS;
--> statement-breakpoint
ALTER ROLE app_maintenance NOSUPERUSER NOBYPASSRLS;
--> statement-breakpoint
ALTER ROLE app_auth NOLOGIN NOSUPERUSER NOBYPASSRLS;
--> statement-breakpoint
-- The migrating role must be able to hand functions over to app_auth (PostgreSQL 16+ gives a
-- role's creator ADMIN but not membership).
GRANT app_auth TO current_user;
--> statement-breakpoint
CREATE SCHEMA IF NOT EXISTS app;
--> statement-breakpoint
REVOKE ALL ON SCHEMA public FROM PUBLIC;
--> statement-breakpoint
GRANT USAGE ON SCHEMA public, app TO app_api, app_maintenance, app_auth;
--> statement-breakpoint
-- After commit a custom setting reads '' rather than NULL, hence nullif everywhere.
CREATE FUNCTION app.tenant_id() RETURNS uuid
  LANGUAGE sql STABLE PARALLEL SAFE
  AS $$ SELECT nullif(current_setting('app.tenant_id', true), '')::uuid $$;
--> statement-breakpoint
CREATE FUNCTION app.user_id() RETURNS uuid
  LANGUAGE sql STABLE PARALLEL SAFE
  AS $$ SELECT nullif(current_setting('app.user_id', true), '')::uuid $$;
--> statement-breakpoint
CREATE FUNCTION app.role() RETURNS text
  LANGUAGE sql STABLE PARALLEL SAFE
  AS $$ SELECT nullif(current_setting('app.role', true), '') $$;
--> statement-breakpoint
CREATE FUNCTION app.actor_type() RETURNS text
  LANGUAGE sql STABLE PARALLEL SAFE
  AS $$ SELECT coalesce(nullif(current_setting('app.actor_type', true), ''), 'system') $$;
--> statement-breakpoint
CREATE FUNCTION app.actor_id() RETURNS uuid
  LANGUAGE sql STABLE PARALLEL SAFE
  AS $$ SELECT nullif(current_setting('app.actor_id', true), '')::uuid $$;
--> statement-breakpoint
CREATE FUNCTION app.request_id() RETURNS text
  LANGUAGE sql STABLE PARALLEL SAFE
  AS $$ SELECT nullif(current_setting('app.request_id', true), '') $$;
--> statement-breakpoint
-- owner > admin > editor > viewer; unknown roles rank below everything.
CREATE FUNCTION app.role_rank(role text) RETURNS int
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$ SELECT CASE role WHEN 'owner' THEN 4 WHEN 'admin' THEN 3 WHEN 'editor' THEN 2 WHEN 'viewer' THEN 1 ELSE 0 END $$;
--> statement-breakpoint
GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA app TO app_api, app_maintenance, app_auth;
