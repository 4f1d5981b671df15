-- Platform operators, suspension and security events (issue 14). Operators' functions are owned
-- by app_platform (no BYPASSRLS): they check the sealed operator identity, write the platform audit
-- log in the same transaction, and are the only way an operator reaches tenant data.
ALTER TABLE operators FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE platform_audit_log FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE security_events FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE (name, last_used_at) ON operators TO app_auth;
--> statement-breakpoint
GRANT SELECT ON operators, memberships, companies, scrape_jobs, audit_log TO app_platform;
--> statement-breakpoint
GRANT SELECT (id, tenant_id, key_hash, revoked_at, expires_at) ON api_keys TO app_platform;
--> statement-breakpoint
GRANT SELECT, UPDATE (plan, suspended_at, suspension_reason) ON tenants TO app_platform;
--> statement-breakpoint
GRANT SELECT, INSERT ON platform_audit_log, security_events TO app_platform;
--> statement-breakpoint
GRANT SELECT ON security_events TO app_api;
--> statement-breakpoint
GRANT SELECT, UPDATE (address), DELETE ON security_events TO app_maintenance;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION app.identity() TO app_platform;
--> statement-breakpoint
-- Plans are data (0040): app.operator_set_plan checks the plan exists and reads the entitlements in
-- force (app.entitlements, with the caller's rights: plans and the subscription's status); tenant
-- listings and platform stats read the metered counts.
GRANT SELECT ON plans, subscriptions, usage TO app_platform;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION app.entitlements(uuid) TO app_platform;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION app.effective_plan(text, text, timestamptz, timestamptz) TO app_platform;
--> statement-breakpoint
CREATE POLICY "plans_platform_select" ON "plans" AS PERMISSIVE FOR SELECT TO "app_platform" USING (true);
--> statement-breakpoint
CREATE POLICY "subscriptions_platform_select" ON "subscriptions" AS PERMISSIVE FOR SELECT TO "app_platform" USING (true);
--> statement-breakpoint
CREATE POLICY "usage_platform_select" ON "usage" AS PERMISSIVE FOR SELECT TO "app_platform" USING (true);
--> statement-breakpoint
-- The one predicate for "this tenant's background work waits": the scrape consumer's claim, the
-- maintenance cron and (later) webhook delivery use it. SECURITY INVOKER: the caller's own
-- policies on tenants decide what it may read.
CREATE OR REPLACE FUNCTION app.tenant_is_suspended(p_tenant_id uuid)
 RETURNS boolean
 LANGUAGE sql
 STABLE PARALLEL SAFE
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
  SELECT coalesce((SELECT t.suspended_at IS NOT NULL FROM public.tenants t WHERE t.id = p_tenant_id), false)
$function$;
--> statement-breakpoint
-- Called by app.begin_request (as app_auth) once it knows the request's tenant.
CREATE OR REPLACE FUNCTION app.refuse_suspended_tenant(p_tenant_id uuid)
 RETURNS void
 LANGUAGE plpgsql
 STABLE
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
BEGIN
  IF p_tenant_id IS NOT NULL AND app.tenant_is_suspended(p_tenant_id) THEN
    RAISE EXCEPTION 'this tenant is suspended' USING ERRCODE = 'DTSUS';
  END IF;
END
$function$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION app.begin_request(p_kid text, p_assertion text, p_signature text)
 RETURNS TABLE(tenant_id uuid, user_id uuid, api_key_id uuid, role text, plan text, rate_per_minute integer, rate_burst integer)
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
DECLARE
  c jsonb := app.verify_assertion(p_kid, p_assertion, p_signature);
  v_tenant_id uuid := (c ->> 'tenant_id')::uuid;
  v_subject text := c ->> 'subject';
  v_key_hash text := c ->> 'key_hash';
  v_required_role text := c ->> 'role';
  v_scope text := c ->> 'scope';
  v_request_id text := c ->> 'request_id';
  v_user_id uuid;
  v_key_id uuid;
  v_role text;
  v_key_tenant uuid;
  v_scopes text[];
  v_last_used timestamptz;
  v_email text;
  v_name text;
  v_deleted timestamptz;
  v_plan text;
  v_rate_per_minute integer;
  v_rate_burst integer;
BEGIN
  IF c ->> 'kind' = 'worker' THEN
    PERFORM app.seal_identity(NULL, NULL, NULL, NULL, 'system', NULL, v_request_id);
    RETURN QUERY SELECT NULL::uuid, NULL::uuid, NULL::uuid, NULL::text, NULL::text, NULL::integer, NULL::integer;
    RETURN;
  ELSIF c ->> 'kind' IS DISTINCT FROM 'request' THEN
    RAISE EXCEPTION 'unknown assertion kind' USING ERRCODE = 'DTKEY';
  END IF;

  IF v_required_role IS NOT NULL AND app.role_rank(v_required_role) = 0 THEN
    RAISE EXCEPTION 'unknown role "%"', v_required_role USING ERRCODE = '22023';
  END IF;

  IF v_key_hash IS NOT NULL THEN
    SELECT k.id, k.tenant_id, k.role, k.scopes, k.last_used_at
      INTO v_key_id, v_key_tenant, v_role, v_scopes, v_last_used
      FROM public.api_keys k
      JOIN public.tenants t ON t.id = k.tenant_id
     WHERE k.key_hash = v_key_hash
       AND k.revoked_at IS NULL
       AND (k.expires_at IS NULL OR k.expires_at > now())
       AND t.deleted_at IS NULL;
    IF v_key_id IS NULL THEN
      RAISE EXCEPTION 'invalid API key' USING ERRCODE = 'DT401';
    END IF;
    IF v_required_role IS NULL THEN
      RAISE EXCEPTION 'this action needs a signed-in user, not an API key' USING ERRCODE = 'DT403';
    END IF;
    IF v_tenant_id IS NOT NULL AND v_tenant_id <> v_key_tenant THEN
      RAISE EXCEPTION 'tenant not found' USING ERRCODE = 'DT404';
    END IF;
    v_tenant_id := v_key_tenant;
    IF v_scope IS NOT NULL AND NOT (v_scopes && ARRAY[v_scope, '*', split_part(v_scope, ':', 1) || ':*']) THEN
      RAISE EXCEPTION 'this API key lacks the % scope', v_scope USING ERRCODE = 'DT403';
    END IF;
    -- At most one write a minute per key: concurrent requests with one key never queue on its row.
    IF v_last_used IS NULL OR v_last_used < now() - interval '1 minute' THEN
      UPDATE public.api_keys SET last_used_at = now()
       WHERE id = v_key_id AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute');
    END IF;
  ELSE
    IF v_subject IS NULL OR v_subject = '' THEN
      RAISE EXCEPTION 'no subject' USING ERRCODE = 'DT401';
    END IF;
    SELECT u.id, u.email, u.name, u.deleted_at INTO v_user_id, v_email, v_name, v_deleted
      FROM public.users u WHERE u.subject = v_subject;
    IF v_user_id IS NULL THEN
      INSERT INTO public.users (subject, email, name) VALUES (v_subject, c ->> 'email', c ->> 'name')
        ON CONFLICT (subject) DO NOTHING
        RETURNING id INTO v_user_id;
      IF v_user_id IS NULL THEN -- created by a concurrent first request
        SELECT u.id, u.deleted_at INTO v_user_id, v_deleted FROM public.users u WHERE u.subject = v_subject;
      END IF;
    ELSIF (c ->> 'email' IS NOT NULL AND c ->> 'email' IS DISTINCT FROM v_email)
       OR (c ->> 'name' IS NOT NULL AND c ->> 'name' IS DISTINCT FROM v_name) THEN
      UPDATE public.users SET email = coalesce(c ->> 'email', email), name = coalesce(c ->> 'name', name)
       WHERE id = v_user_id;
    END IF;
    IF v_deleted IS NOT NULL THEN
      RAISE EXCEPTION 'account disabled' USING ERRCODE = 'DT401';
    END IF;

    -- Issue 15: a token naming an identity provider's organisation acts for the linked tenant.
    IF c ? 'org_id' THEN
      v_tenant_id := app.external_tenant(c, v_tenant_id, v_user_id);
    END IF;
    IF v_tenant_id IS NOT NULL THEN
      SELECT m.role INTO v_role
        FROM public.memberships m
        JOIN public.tenants t ON t.id = m.tenant_id
       WHERE m.tenant_id = v_tenant_id AND m.user_id = v_user_id AND t.deleted_at IS NULL;
      IF v_role IS NULL THEN
        RAISE EXCEPTION 'tenant not found' USING ERRCODE = 'DT404';
      END IF;
    ELSIF v_required_role IS NOT NULL THEN
      RAISE EXCEPTION 'a tenant is required' USING ERRCODE = '22023';
    END IF;
  END IF;

  IF v_required_role IS NOT NULL AND app.role_rank(v_role) < app.role_rank(v_required_role) THEN
    RAISE EXCEPTION 'this action needs the % role', v_required_role
      USING ERRCODE = 'DT403', DETAIL = format('current role: %s', v_role);
  END IF;

  IF v_tenant_id IS NOT NULL THEN
    -- The plan in force (the subscription's status applied) and its rate limits, for the limiter.
    SELECT e.plan, e.rate_per_minute, e.rate_burst INTO v_plan, v_rate_per_minute, v_rate_burst
      FROM app.entitlements(v_tenant_id) e;
  END IF;
  PERFORM app.refuse_suspended_tenant(v_tenant_id);
  PERFORM app.seal_identity(v_tenant_id, v_user_id, v_key_id, v_role,
    CASE WHEN v_key_id IS NOT NULL THEN 'api_key' ELSE 'user' END, coalesce(v_key_id, v_user_id), v_request_id);
  IF (c ->> 'read_only')::boolean THEN
    -- Going from read-write to read-only is allowed mid-transaction; the reverse is not.
    PERFORM set_config('transaction_read_only', 'on', true);
  END IF;

  RETURN QUERY SELECT v_tenant_id, v_user_id, v_key_id, v_role, v_plan, v_rate_per_minute, v_rate_burst;
END
$function$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION app.claim_scrape_job(p_job_id uuid, p_lease_id uuid, p_lease_seconds integer)
 RETURNS TABLE(id uuid, tenant_id uuid, company_id uuid, url text, attempts integer)
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
BEGIN
  IF NOT app.is_worker() THEN
    RAISE EXCEPTION 'only the Worker''s queue consumer may claim scrape jobs' USING ERRCODE = 'DT403';
  END IF;
  RETURN QUERY
  UPDATE public.scrape_jobs j
     SET status = 'running', attempts = j.attempts + 1, lease_id = p_lease_id,
         lease_expires_at = now() + make_interval(secs => p_lease_seconds),
         started_at = coalesce(j.started_at, now()), failure_reason = NULL, failure_detail = NULL
   WHERE j.id = p_job_id
     AND (j.status = 'queued' OR (j.status = 'running' AND j.lease_expires_at < now()))
     AND EXISTS (SELECT 1 FROM public.tenants t WHERE t.id = j.tenant_id AND t.deleted_at IS NULL)
     AND NOT app.tenant_is_suspended(j.tenant_id)
  RETURNING j.id, j.tenant_id, j.company_id, j.url, j.attempts;
END
$function$
;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION app.claim_webhook_delivery(p_delivery_id uuid, p_lease_id uuid, p_lease_seconds integer)
  RETURNS TABLE (id uuid, tenant_id uuid, endpoint_id uuid, url text, secret text, previous_secret text,
                 attempts integer, event_id text, event_type text, event_created_at timestamptz, event_data jsonb)
  LANGUAGE plpgsql
  SECURITY DEFINER
  SET search_path = pg_catalog, pg_temp
  AS $$
BEGIN
  IF NOT app.is_worker() THEN
    RAISE EXCEPTION 'only the Worker''s queue consumer may claim webhook deliveries' USING ERRCODE = 'DT403';
  END IF;
  RETURN QUERY
  WITH claimed AS (
    UPDATE public.webhook_deliveries d
       SET lease_id = p_lease_id, lease_expires_at = now() + make_interval(secs => p_lease_seconds)
     WHERE d.id = p_delivery_id AND d.status = 'pending'
       AND d.next_attempt_at <= now() + interval '30 seconds'
       AND (d.lease_expires_at IS NULL OR d.lease_expires_at < now())
       AND EXISTS (SELECT 1 FROM public.webhook_endpoints e JOIN public.tenants t ON t.id = e.tenant_id
                    WHERE e.id = d.endpoint_id AND e.enabled AND t.deleted_at IS NULL)
       -- A suspended tenant's deliveries wait, pending (the consumer acknowledges the message; the
       -- outbox sweep sends them again once the suspension is lifted).
       AND NOT app.tenant_is_suspended(d.tenant_id)
    RETURNING d.id, d.tenant_id, d.endpoint_id, d.event_id, d.attempts
  )
  SELECT c.id, c.tenant_id, c.endpoint_id, e.url, e.secret,
         CASE WHEN e.previous_secret_expires_at > now() THEN e.previous_secret END,
         c.attempts, 'evt_' || ev.txid::text || '_' || ev.id::text, ev.type, ev.created_at, ev.data
    FROM claimed c
    JOIN public.webhook_endpoints e ON e.id = c.endpoint_id
    JOIN public.events ev ON ev.id = c.event_id;
END
$$;
--> statement-breakpoint
-- The operator a round trip was opened for (app.begin_operator_request), or NULL.
CREATE OR REPLACE FUNCTION app.operator_id()
 RETURNS uuid
 LANGUAGE sql
 STABLE PARALLEL SAFE
AS $function$ SELECT CASE WHEN i[5] = 'operator' THEN nullif(i[6], '')::uuid END FROM (SELECT app.identity() AS i) s $function$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION app.require_operator()
 RETURNS uuid
 LANGUAGE plpgsql
 STABLE
AS $function$
DECLARE
  v_operator uuid := app.operator_id();
BEGIN
  IF v_operator IS NULL THEN
    RAISE EXCEPTION 'this needs a platform operator' USING ERRCODE = 'DT403';
  END IF;
  RETURN v_operator;
END
$function$;
--> statement-breakpoint
-- Opens an operator's round trip: the Worker's signed assertion (kind 'operator') names an
-- operator key's hash or a verified operator JWT's subject. Seals an identity with no tenant, so
-- every tenant policy of the API role yields nothing; only app.operator_* functions serve it.
CREATE OR REPLACE FUNCTION app.begin_operator_request(p_kid text, p_assertion text, p_signature text)
 RETURNS TABLE(operator_id uuid, operator_name text)
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
DECLARE
  c jsonb := app.verify_assertion(p_kid, p_assertion, p_signature);
  v_id uuid;
  v_name text;
  v_revoked timestamptz;
  v_last_used timestamptz;
BEGIN
  IF c ->> 'kind' IS DISTINCT FROM 'operator' THEN
    RAISE EXCEPTION 'not an operator assertion' USING ERRCODE = 'DTKEY';
  END IF;
  IF c ->> 'key_hash' IS NOT NULL THEN
    SELECT o.id, o.name, o.revoked_at, o.last_used_at INTO v_id, v_name, v_revoked, v_last_used
      FROM public.operators o WHERE o.key_hash = c ->> 'key_hash' AND o.kind = 'key';
  ELSIF coalesce(c ->> 'subject', '') <> '' THEN
    INSERT INTO public.operators AS o (name, kind, subject)
    VALUES (coalesce(nullif(c ->> 'name', ''), c ->> 'subject'), 'jwt', c ->> 'subject')
    ON CONFLICT (subject) DO UPDATE SET name = excluded.name WHERE o.name IS DISTINCT FROM excluded.name;
    SELECT o.id, o.name, o.revoked_at, o.last_used_at INTO v_id, v_name, v_revoked, v_last_used
      FROM public.operators o WHERE o.subject = c ->> 'subject';
  END IF;
  IF v_id IS NULL OR v_revoked IS NOT NULL THEN
    RAISE EXCEPTION 'invalid operator credentials' USING ERRCODE = 'DT401';
  END IF;
  IF v_last_used IS NULL OR v_last_used < now() - interval '1 minute' THEN
    UPDATE public.operators SET last_used_at = now() WHERE id = v_id;
  END IF;
  PERFORM app.seal_identity(NULL, NULL, NULL, NULL, 'operator', v_id, c ->> 'request_id');
  IF (c ->> 'read_only')::boolean THEN
    PERFORM set_config('transaction_read_only', 'on', true);
  END IF;
  RETURN QUERY SELECT v_id, v_name;
END
$function$;
--> statement-breakpoint
ALTER FUNCTION app.begin_operator_request(text, text, text) OWNER TO app_auth;
--> statement-breakpoint
REVOKE EXECUTE ON FUNCTION app.begin_operator_request(text, text, text) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION app.begin_operator_request(text, text, text) TO app_api;
--> statement-breakpoint
-- Appends to the platform audit log as the calling operator (inside the app.operator_* functions).
CREATE OR REPLACE FUNCTION app.platform_audit(p_action text, p_tenant_id uuid, p_metadata jsonb)
 RETURNS void
 LANGUAGE sql
AS $function$
  INSERT INTO public.platform_audit_log (operator_id, action, tenant_id, request_id, metadata)
  VALUES (app.require_operator(), p_action, p_tenant_id, app.request_id(), coalesce(p_metadata, '{}'::jsonb))
$function$;
--> statement-breakpoint
-- A metric's count for a tenant's current calendar month (UTC), from the metering table.
CREATE OR REPLACE FUNCTION app.operator_month_usage(p_tenant_id uuid, p_metric text)
 RETURNS bigint
 LANGUAGE sql
 STABLE
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
  SELECT coalesce((SELECT u.used FROM public.usage u
                    WHERE u.tenant_id = p_tenant_id AND u.metric = p_metric AND u.period = 'month'
                      AND u.starts_on = date_trunc('month', now() AT TIME ZONE 'UTC')::date), 0)
$function$;
--> statement-breakpoint
-- A tenant as operators see it: its row, member count and this calendar month's usage.
CREATE OR REPLACE FUNCTION app.operator_tenant_json(p_tenant public.tenants)
 RETURNS jsonb
 LANGUAGE sql
 STABLE
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
  SELECT jsonb_build_object(
    'id', p_tenant.id, 'slug', p_tenant.slug, 'name', p_tenant.name, 'plan', p_tenant.plan,
    'status', CASE WHEN p_tenant.deleted_at IS NOT NULL THEN 'deleted'
                   WHEN p_tenant.suspended_at IS NOT NULL THEN 'suspended' ELSE 'active' END,
    'suspended_at', p_tenant.suspended_at, 'suspension_reason', p_tenant.suspension_reason,
    'created_at', p_tenant.created_at, 'deleted_at', p_tenant.deleted_at,
    'member_count', (SELECT count(*) FROM public.memberships m WHERE m.tenant_id = p_tenant.id),
    'usage', jsonb_build_object(
      'period_start', date_trunc('month', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC',
      'companies_created', (SELECT count(*) FROM public.companies co
                             WHERE co.tenant_id = p_tenant.id AND co.created_at >= date_trunc('month', now())),
      -- The metered counts (app.meter, the rate limiter's flushes): this month's row of each metric.
      'api_requests', app.operator_month_usage(p_tenant.id, 'api_requests'),
      'companies_house_imports', app.operator_month_usage(p_tenant.id, 'companies_house_imports'),
      'scrape_jobs', app.operator_month_usage(p_tenant.id, 'scrape_jobs'),
      'exported_rows', app.operator_month_usage(p_tenant.id, 'exported_rows')))
$function$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION app.operator_list_tenants(p_query text, p_plan text, p_status text,
  p_after_created timestamptz, p_after_id uuid, p_limit integer)
 RETURNS SETOF jsonb
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
BEGIN
  PERFORM app.platform_audit('tenants.listed', NULL,
    jsonb_strip_nulls(jsonb_build_object('q', p_query, 'plan', p_plan, 'status', p_status)));
  RETURN QUERY
  SELECT app.operator_tenant_json(t)
    FROM public.tenants t
   WHERE (p_query IS NULL OR t.name ILIKE '%' || replace(replace(replace(p_query, '\', '\\'), '%', '\%'), '_', '\_') || '%'
          OR t.slug ILIKE '%' || replace(replace(replace(p_query, '\', '\\'), '%', '\%'), '_', '\_') || '%')
     AND (p_plan IS NULL OR t.plan = p_plan)
     AND (p_status IS NULL
          OR (p_status = 'deleted' AND t.deleted_at IS NOT NULL)
          OR (p_status = 'suspended' AND t.deleted_at IS NULL AND t.suspended_at IS NOT NULL)
          OR (p_status = 'active' AND t.deleted_at IS NULL AND t.suspended_at IS NULL))
     AND (p_after_created IS NULL OR (t.created_at, t.id) < (p_after_created, p_after_id))
   ORDER BY t.created_at DESC, t.id DESC
   LIMIT p_limit;
END
$function$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION app.operator_get_tenant(p_tenant_id uuid)
 RETURNS jsonb
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
DECLARE
  v_tenant public.tenants;
BEGIN
  PERFORM app.require_operator();
  SELECT * INTO v_tenant FROM public.tenants t WHERE t.id = p_tenant_id;
  IF v_tenant.id IS NULL THEN
    RETURN NULL;
  END IF;
  PERFORM app.platform_audit('tenant.read', p_tenant_id, '{}'::jsonb);
  RETURN app.operator_tenant_json(v_tenant);
END
$function$;
--> statement-breakpoint
-- Suspends or lifts a suspension. Lifting it returns the tenant's queued scrape jobs, which the
-- consumer left in Postgres while the tenant was suspended, so the Worker can send them again.
CREATE OR REPLACE FUNCTION app.operator_set_suspension(p_tenant_id uuid, p_suspend boolean, p_reason text)
 RETURNS jsonb
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
DECLARE
  v_tenant public.tenants;
BEGIN
  PERFORM app.require_operator();
  SELECT * INTO v_tenant FROM public.tenants t WHERE t.id = p_tenant_id AND t.deleted_at IS NULL FOR UPDATE;
  IF v_tenant.id IS NULL THEN
    RETURN NULL;
  END IF;
  IF (v_tenant.suspended_at IS NOT NULL) = p_suspend THEN
    RAISE EXCEPTION 'the tenant is % suspended', CASE WHEN p_suspend THEN 'already' ELSE 'not' END
      USING ERRCODE = 'DT409';
  END IF;
  UPDATE public.tenants t
     SET suspended_at = CASE WHEN p_suspend THEN now() END, suspension_reason = CASE WHEN p_suspend THEN p_reason END
   WHERE t.id = p_tenant_id
  RETURNING * INTO v_tenant;
  PERFORM app.platform_audit(CASE WHEN p_suspend THEN 'tenant.suspended' ELSE 'tenant.unsuspended' END,
    p_tenant_id, jsonb_build_object('reason', p_reason));
  RETURN app.operator_tenant_json(v_tenant) || jsonb_build_object('queued_jobs', CASE WHEN p_suspend THEN '[]'::jsonb ELSE
    coalesce((SELECT jsonb_agg(j.id) FROM public.scrape_jobs j WHERE j.tenant_id = p_tenant_id AND j.status = 'queued'),
             '[]'::jsonb) END);
END
$function$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION app.operator_set_plan(p_tenant_id uuid, p_plan text)
 RETURNS jsonb
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
DECLARE
  v_tenant public.tenants;
  v_old text;
BEGIN
  PERFORM app.require_operator();
  SELECT t.plan INTO v_old FROM public.tenants t WHERE t.id = p_tenant_id AND t.deleted_at IS NULL FOR UPDATE;
  IF v_old IS NULL THEN
    RETURN NULL;
  END IF;
  -- Plans are rows of public.plans: an unknown one is refused before anything is written.
  IF NOT EXISTS (SELECT 1 FROM public.plans p WHERE p.id = p_plan) THEN
    RAISE EXCEPTION 'there is no plan "%"', p_plan USING ERRCODE = 'DT422';
  END IF;
  UPDATE public.tenants t SET plan = p_plan WHERE t.id = p_tenant_id RETURNING * INTO v_tenant;
  PERFORM app.platform_audit('tenant.plan_changed', p_tenant_id, jsonb_build_object('from', v_old, 'to', p_plan));
  -- The plan in force (a lapsed subscription may keep the tenant on another) and its rate limits,
  -- for the Worker to push to the tenant's rate limiter.
  RETURN app.operator_tenant_json(v_tenant) || jsonb_build_object('entitlements',
    (SELECT jsonb_build_object('plan', e.plan, 'rate_per_minute', e.rate_per_minute, 'rate_burst', e.rate_burst)
       FROM app.entitlements(p_tenant_id) e));
END
$function$;
--> statement-breakpoint
-- A metric's count over all tenants for one UTC day, from the metering table's day rows.
CREATE OR REPLACE FUNCTION app.operator_day_usage(p_day date, p_metric text)
 RETURNS bigint
 LANGUAGE sql
 STABLE
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
  SELECT coalesce(sum(u.used), 0)::bigint FROM public.usage u
   WHERE u.metric = p_metric AND u.period = 'day' AND u.starts_on = p_day
$function$;
--> statement-breakpoint
-- Platform figures. Reads no personal data; recorded like every operator read.
CREATE OR REPLACE FUNCTION app.operator_stats(p_days integer)
 RETURNS jsonb
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
DECLARE
  v_today date := (now() AT TIME ZONE 'UTC')::date;
BEGIN
  PERFORM app.platform_audit('stats.read', NULL, jsonb_build_object('days', p_days));
  RETURN jsonb_build_object(
    'tenants', (SELECT coalesce(jsonb_agg(jsonb_build_object('plan', s.plan, 'status', s.status, 'count', s.n)
                                          ORDER BY s.plan, s.status), '[]'::jsonb)
                  FROM (SELECT t.plan, CASE WHEN t.deleted_at IS NOT NULL THEN 'deleted'
                                            WHEN t.suspended_at IS NOT NULL THEN 'suspended' ELSE 'active' END AS status,
                               count(*) AS n
                          FROM public.tenants t GROUP BY 1, 2) s),
    'active_users', jsonb_build_object(
      'last_7_days', (SELECT count(DISTINCT a.actor_id) FROM public.audit_log a
                       WHERE a.actor_type = 'user' AND a.created_at >= now() - interval '7 days'),
      'last_30_days', (SELECT count(DISTINCT a.actor_id) FROM public.audit_log a
                        WHERE a.actor_type = 'user' AND a.created_at >= now() - interval '30 days')),
    'days', (SELECT jsonb_agg(jsonb_build_object(
                'date', to_char(d.day, 'YYYY-MM-DD'),
                'requests', app.operator_day_usage(d.day::date, 'api_requests'),
                'imports', app.operator_day_usage(d.day::date, 'companies_house_imports'),
                'scrapes', app.operator_day_usage(d.day::date, 'scrape_jobs'))
              ORDER BY d.day DESC)
               FROM generate_series(v_today - (p_days - 1), v_today, interval '1 day') AS d(day)));
END
$function$;
--> statement-breakpoint
-- The platform audit log, newest first. Reading it is not itself recorded (it holds no tenant data).
CREATE OR REPLACE FUNCTION app.operator_audit_log(p_tenant_id uuid, p_before_created timestamptz, p_before_id uuid,
  p_limit integer)
 RETURNS SETOF jsonb
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
BEGIN
  PERFORM app.require_operator();
  RETURN QUERY
  SELECT jsonb_build_object('id', l.id, 'operator_id', l.operator_id, 'operator_name', o.name, 'action', l.action,
           'tenant_id', l.tenant_id, 'request_id', l.request_id, 'metadata', l.metadata, 'created_at', l.created_at)
    FROM public.platform_audit_log l JOIN public.operators o ON o.id = l.operator_id
   WHERE (p_tenant_id IS NULL OR l.tenant_id = p_tenant_id)
     AND (p_before_created IS NULL OR (l.created_at, l.id) < (p_before_created, p_before_id))
   ORDER BY l.created_at DESC, l.id DESC
   LIMIT p_limit;
END
$function$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION app.operator_security_events(p_tenant_id uuid, p_kind text, p_before_seen timestamptz,
  p_before_id uuid, p_limit integer)
 RETURNS SETOF jsonb
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
BEGIN
  PERFORM app.platform_audit('security_events.read', p_tenant_id,
    jsonb_strip_nulls(jsonb_build_object('kind', p_kind)));
  RETURN QUERY
  SELECT jsonb_build_object('id', e.id, 'tenant_id', e.tenant_id, 'kind', e.kind, 'reason', e.reason,
           'address', e.address, 'count', e.count, 'first_seen_at', e.first_seen_at, 'last_seen_at', e.last_seen_at)
    FROM public.security_events e
   WHERE (p_tenant_id IS NULL OR e.tenant_id = p_tenant_id)
     AND (p_kind IS NULL OR e.kind = p_kind)
     AND (p_before_seen IS NULL OR (e.last_seen_at, e.id) < (p_before_seen, p_before_id))
   ORDER BY e.last_seen_at DESC, e.id DESC
   LIMIT p_limit;
END
$function$;
--> statement-breakpoint
-- One flush of the SecurityEvents Durable Object: aggregated counts, one row per (tenant, kind,
-- reason, address) and flush. A rejected API key is told apart here, not per request: revoked,
-- expired or unknown, and its tenant found from the stored hash. Tenant ids that name no tenant
-- (guesses) are kept as NULL.
CREATE OR REPLACE FUNCTION app.record_security_events(p_events jsonb)
 RETURNS integer
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
DECLARE
  v_count integer;
BEGIN
  IF NOT app.is_worker() THEN
    RAISE EXCEPTION 'only the Worker records security events' USING ERRCODE = 'DT403';
  END IF;
  INSERT INTO public.security_events (tenant_id, kind, reason, address, count, first_seen_at, last_seen_at)
  SELECT coalesce(k.tenant_id, t.id),
         CASE WHEN k.revoked_at IS NOT NULL THEN 'revoked_key_used'
              WHEN k.expires_at <= now() THEN 'expired_key_used'
              ELSE e.kind END,
         CASE WHEN k.id IS NOT NULL AND (k.revoked_at IS NOT NULL OR k.expires_at <= now()) THEN 'api_key' ELSE e.reason END,
         e.address, sum(e.count)::integer, min(e.first_seen_at), max(e.last_seen_at)
    FROM jsonb_to_recordset(p_events) AS e(tenant_id uuid, kind text, reason text, address text, count integer,
                                           first_seen_at timestamptz, last_seen_at timestamptz, key_hash text)
    LEFT JOIN public.api_keys k ON k.key_hash = e.key_hash
    LEFT JOIN public.tenants t ON t.id = e.tenant_id
   WHERE e.count > 0
   GROUP BY 1, 2, 3, 4;
  GET DIAGNOSTICS v_count = ROW_COUNT;
  RETURN v_count;
END
$function$;
--> statement-breakpoint
ALTER FUNCTION app.operator_list_tenants(text, text, text, timestamptz, uuid, integer) OWNER TO app_platform;
--> statement-breakpoint
REVOKE EXECUTE ON FUNCTION app.operator_list_tenants(text, text, text, timestamptz, uuid, integer) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION app.operator_list_tenants(text, text, text, timestamptz, uuid, integer) TO app_api;
--> statement-breakpoint
ALTER FUNCTION app.operator_get_tenant(uuid) OWNER TO app_platform;
--> statement-breakpoint
REVOKE EXECUTE ON FUNCTION app.operator_get_tenant(uuid) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION app.operator_get_tenant(uuid) TO app_api;
--> statement-breakpoint
ALTER FUNCTION app.operator_set_suspension(uuid, boolean, text) OWNER TO app_platform;
--> statement-breakpoint
REVOKE EXECUTE ON FUNCTION app.operator_set_suspension(uuid, boolean, text) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION app.operator_set_suspension(uuid, boolean, text) TO app_api;
--> statement-breakpoint
ALTER FUNCTION app.operator_set_plan(uuid, text) OWNER TO app_platform;
--> statement-breakpoint
REVOKE EXECUTE ON FUNCTION app.operator_set_plan(uuid, text) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION app.operator_set_plan(uuid, text) TO app_api;
--> statement-breakpoint
ALTER FUNCTION app.operator_stats(integer) OWNER TO app_platform;
--> statement-breakpoint
REVOKE EXECUTE ON FUNCTION app.operator_stats(integer) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION app.operator_stats(integer) TO app_api;
--> statement-breakpoint
ALTER FUNCTION app.operator_audit_log(uuid, timestamptz, uuid, integer) OWNER TO app_platform;
--> statement-breakpoint
REVOKE EXECUTE ON FUNCTION app.operator_audit_log(uuid, timestamptz, uuid, integer) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION app.operator_audit_log(uuid, timestamptz, uuid, integer) TO app_api;
--> statement-breakpoint
ALTER FUNCTION app.operator_security_events(uuid, text, timestamptz, uuid, integer) OWNER TO app_platform;
--> statement-breakpoint
REVOKE EXECUTE ON FUNCTION app.operator_security_events(uuid, text, timestamptz, uuid, integer) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION app.operator_security_events(uuid, text, timestamptz, uuid, integer) TO app_api;
--> statement-breakpoint
ALTER FUNCTION app.record_security_events(jsonb) OWNER TO app_platform;
--> statement-breakpoint
REVOKE EXECUTE ON FUNCTION app.record_security_events(jsonb) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION app.record_security_events(jsonb) TO app_api;
--> statement-breakpoint
REVOKE EXECUTE ON FUNCTION app.operator_tenant_json(public.tenants) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION app.operator_tenant_json(public.tenants) TO app_platform;
--> statement-breakpoint
REVOKE EXECUTE ON FUNCTION app.platform_audit(text, uuid, jsonb) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION app.platform_audit(text, uuid, jsonb) TO app_platform;
--> statement-breakpoint
REVOKE EXECUTE ON FUNCTION app.require_operator() FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION app.require_operator() TO app_platform;
--> statement-breakpoint
REVOKE EXECUTE ON FUNCTION app.refuse_suspended_tenant(uuid) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION app.refuse_suspended_tenant(uuid) TO app_auth;
--> statement-breakpoint
REVOKE EXECUTE ON FUNCTION app.operator_month_usage(uuid, text) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION app.operator_month_usage(uuid, text) TO app_platform;
--> statement-breakpoint
REVOKE EXECUTE ON FUNCTION app.operator_day_usage(date, text) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION app.operator_day_usage(date, text) TO app_platform;
