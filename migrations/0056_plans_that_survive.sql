-- Issue 12, point 4: Postgres work per request. A LANGUAGE sql function that cannot be inlined
-- (a SET clause, a set-returning body) plans its body again on every call; a PL/pgSQL one keeps
-- its statements' plans for the life of the connection. The functions every request runs (from
-- app.begin_request and from the company policies) become PL/pgSQL with the same results, and
-- app.effective_plan, a plain expression, loses its SET clause so that it is inlined where used.
--
-- app.workspace_ids(): the restrictive workspace policy's value, once per statement on a
-- workspace-scoped table. One identity read (one seal check) instead of two, and the membership
-- lookup's plan kept instead of planned (with the seal checked again by the planner's estimates)
-- on every statement.
CREATE OR REPLACE FUNCTION app.workspace_ids()
 RETURNS uuid[]
 LANGUAGE plpgsql
 STABLE PARALLEL SAFE
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
DECLARE
  v_identity text[] := app.identity();
  v_tenant_id uuid := nullif(v_identity[1], '')::uuid;
  v_user_id uuid := nullif(v_identity[2], '')::uuid;
  v_role text;
  v_scope text;
BEGIN
  IF v_user_id IS NULL THEN
    RETURN NULL;
  END IF;
  SELECT m.role, m.workspace_scope INTO v_role, v_scope
    FROM public.memberships m WHERE m.tenant_id = v_tenant_id AND m.user_id = v_user_id;
  IF v_role IS NULL THEN
    RETURN '{}'::uuid[];
  ELSIF v_role IN ('owner', 'admin') OR v_scope = 'all' THEN
    RETURN NULL;
  END IF;
  RETURN ARRAY(SELECT wm.workspace_id FROM public.workspace_members wm
                WHERE wm.tenant_id = v_tenant_id AND wm.user_id = v_user_id);
END
$function$;
--> statement-breakpoint
-- The plan in force and its limits (begin_request, billing routes, operators): same query, plan kept.
CREATE OR REPLACE FUNCTION app.entitlements(p_tenant uuid)
 RETURNS TABLE(plan text, rate_per_minute integer, rate_burst integer, seat_limit integer, quotas jsonb)
 LANGUAGE plpgsql
 STABLE
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
BEGIN
  RETURN QUERY
  SELECT p.id, p.rate_per_minute, p.rate_burst, p.seat_limit, p.quotas
    FROM public.tenants t
    LEFT JOIN public.subscriptions s ON s.tenant_id = t.id
    JOIN public.plans p ON p.id = app.effective_plan(t.plan, s.status, s.grace_ends_at, s.current_period_end)
   WHERE t.id = p_tenant;
END
$function$;
--> statement-breakpoint
-- Inlined into its callers' plans (an SQL expression of its arguments and now(); it runs with the
-- caller's rights either way, and resolves only pg_catalog's operators, which come first on any path).
ALTER FUNCTION app.effective_plan(text, text, timestamptz, timestamptz) RESET search_path;
--> statement-breakpoint
-- The one predicate for "this tenant's background work waits" (0052), plan kept.
CREATE OR REPLACE FUNCTION app.tenant_is_suspended(p_tenant_id uuid)
 RETURNS boolean
 LANGUAGE plpgsql
 STABLE PARALLEL SAFE
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
BEGIN
  RETURN coalesce((SELECT t.suspended_at IS NOT NULL FROM public.tenants t WHERE t.id = p_tenant_id), false);
END
$function$;
--> statement-breakpoint
-- The policies' identity readers. As inlinable SQL functions their bodies were parsed and analysed
-- again wherever a statement's policies name them, on every statement (most of the planning time of
-- a primary-key select); as PL/pgSQL they are one call, evaluated where they were (the policies'
-- initplans), with the same seal check.
CREATE OR REPLACE FUNCTION app.tenant_id()
 RETURNS uuid
 LANGUAGE plpgsql
 STABLE PARALLEL SAFE
AS $function$ BEGIN RETURN nullif((app.identity())[1], '')::uuid; END $function$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION app.user_id()
 RETURNS uuid
 LANGUAGE plpgsql
 STABLE PARALLEL SAFE
AS $function$ BEGIN RETURN nullif((app.identity())[2], '')::uuid; END $function$;
