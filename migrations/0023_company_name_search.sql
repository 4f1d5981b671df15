-- Similar-name search under row-level security. Postgres applies a policy's quals before any
-- non-leakproof operator of the query, so pg_trgm's `%` (not leakproof; only a superuser can
-- mark it so, and Neon has none) can never use the trigram index on companies: every search
-- compared every company of the tenant (~0.25 s at 50,000). This view narrows to the caller's
-- tenant in its own definition and is owned by app_search, whose policy on companies is `true`,
-- so `%` and the tenant filter form one index condition. What it exposes is only id and the
-- lower-cased name of the tenant's own live companies, and the API only uses it to find
-- candidate ids that its main query (under the ordinary tenant policy) then reads.
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'app_search') THEN
    CREATE ROLE app_search NOLOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE NOINHERIT;
  END IF;
END
$$;
--> statement-breakpoint
ALTER ROLE app_search NOLOGIN NOSUPERUSER NOBYPASSRLS;
--> statement-breakpoint
GRANT app_search TO current_user;
--> statement-breakpoint
GRANT USAGE ON SCHEMA public, app TO app_search;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION app.tenant_id() TO app_search;
--> statement-breakpoint
GRANT SELECT (id, tenant_id, name_key, deleted_at) ON companies TO app_search;
--> statement-breakpoint
CREATE VIEW app.company_name_search AS
  SELECT id, name_key FROM public.companies
   WHERE tenant_id = (SELECT app.tenant_id()) AND deleted_at IS NULL;
--> statement-breakpoint
ALTER VIEW app.company_name_search OWNER TO app_search;
--> statement-breakpoint
GRANT SELECT ON app.company_name_search TO app_api;
