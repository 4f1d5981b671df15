-- A module route pays app.module_enabled in app.begin_request's one statement (issue 12). As SQL
-- functions with a SET clause, it and app.tenant_has_module were planned afresh on every call
-- (Postgres inlines no such function and caches no plan of its body); PL/pgSQL keeps its plans
-- for the session, as migration 0056 found for the identity helpers. Same bodies, same grants.
CREATE OR REPLACE FUNCTION app.module_enabled(p_tenant_id uuid, p_plan text, p_module text) RETURNS boolean
  LANGUAGE plpgsql
  STABLE PARALLEL SAFE
  SET search_path TO 'pg_catalog', 'pg_temp'
AS $$
BEGIN
  RETURN coalesce(
    (SELECT o.enabled FROM public.tenant_modules o WHERE o.tenant_id = p_tenant_id AND o.module = p_module),
    (SELECT p_module = ANY (p.modules) FROM public.plans p WHERE p.id = p_plan),
    false);
END
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION app.tenant_has_module(p_tenant_id uuid, p_module text) RETURNS boolean
  LANGUAGE plpgsql
  STABLE PARALLEL SAFE
  SET search_path TO 'pg_catalog', 'pg_temp'
AS $$
BEGIN
  RETURN app.module_enabled(p_tenant_id, (SELECT e.plan FROM app.entitlements(p_tenant_id) e), p_module);
END
$$;
