-- Plans as data, subscriptions, metering with exact quotas, seats (issue 13). Hand-written:
-- grants, functions and the new app.begin_request (it now returns the plan's rate limits; it keeps
-- the identity-provider organisation lines of migration 0038, marked "Issue 15").
ALTER TABLE plans FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE subscriptions FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE usage FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE usage_reports FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE invoices FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE stripe_events FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
-- Everyone reads plans (GET /v1/plans); operators add or change them as the maintenance role.
GRANT SELECT ON plans TO app_api, app_auth;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE ON plans TO app_maintenance;
--> statement-breakpoint
-- A tenant reads its own subscription, usage and invoices; only the definer functions write them.
GRANT SELECT ON subscriptions, usage, usage_reports, invoices TO app_api;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE ON subscriptions, usage, usage_reports, invoices, stripe_events TO app_auth;
--> statement-breakpoint
GRANT SELECT, DELETE ON subscriptions, usage, usage_reports, invoices TO app_maintenance;
--> statement-breakpoint
CREATE TRIGGER plans_touch_updated_at BEFORE UPDATE ON plans FOR EACH ROW EXECUTE FUNCTION app.touch_updated_at();
--> statement-breakpoint
CREATE TRIGGER subscriptions_touch_updated_at BEFORE UPDATE ON subscriptions
  FOR EACH ROW EXECUTE FUNCTION app.touch_updated_at();
--> statement-breakpoint
-- The plan in force: trialing and active keep the subscribed plan; past_due keeps it until the
-- grace period ends; canceled until the end of the paid period; then `free`. No subscription row:
-- the plan as set (free, or an operator's).
CREATE FUNCTION app.effective_plan(p_plan text, p_status text, p_grace_ends_at timestamptz, p_period_end timestamptz)
  RETURNS text
  LANGUAGE sql
  STABLE PARALLEL SAFE
  SET search_path = pg_catalog, pg_temp
  AS $$
  SELECT CASE
    WHEN p_status IS NULL OR p_status IN ('active', 'trialing') THEN p_plan
    WHEN p_status = 'past_due' AND now() < coalesce(p_grace_ends_at, '-infinity') THEN p_plan
    WHEN p_status = 'canceled' AND now() < coalesce(p_period_end, '-infinity') THEN p_plan
    ELSE 'free'
  END
$$;
--> statement-breakpoint
REVOKE EXECUTE ON FUNCTION app.effective_plan(text, text, timestamptz, timestamptz) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION app.effective_plan(text, text, timestamptz, timestamptz) TO app_api, app_auth, app_maintenance;
--> statement-breakpoint
-- What a tenant is entitled to now. Runs with the caller's rights: as the API role it sees only
-- its own tenant (RLS), as app_auth (inside the definer functions) any.
CREATE FUNCTION app.entitlements(p_tenant uuid)
  RETURNS TABLE (plan text, rate_per_minute integer, rate_burst integer, seat_limit integer, quotas jsonb)
  LANGUAGE sql
  STABLE
  SET search_path = pg_catalog, pg_temp
  AS $$
  SELECT p.id, p.rate_per_minute, p.rate_burst, p.seat_limit, p.quotas
    FROM public.tenants t
    LEFT JOIN public.subscriptions s ON s.tenant_id = t.id
    JOIN public.plans p ON p.id = app.effective_plan(t.plan, s.status, s.grace_ends_at, s.current_period_end)
   WHERE t.id = p_tenant
$$;
--> statement-breakpoint
REVOKE EXECUTE ON FUNCTION app.entitlements(uuid) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION app.entitlements(uuid) TO app_api, app_auth, app_maintenance;
--> statement-breakpoint
DROP FUNCTION app.begin_request(text, text, text);
--> statement-breakpoint
CREATE FUNCTION app.begin_request(p_kid text, p_assertion text, p_signature text)
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
ALTER FUNCTION app.begin_request(text, text, text) OWNER TO app_auth;
--> statement-breakpoint
REVOKE EXECUTE ON FUNCTION app.begin_request(text, text, text) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION app.begin_request(text, text, text) TO app_api;
--> statement-breakpoint
-- Counts `p_amount` of `p_metric` for the request's tenant, and refuses (DT402, nothing counted)
-- when that would pass the plan's monthly quota. Check and count are one INSERT ... ON CONFLICT
-- on the month's row: concurrent requests queue on its row lock and each sees the count the one
-- before left, so N requests against R remaining admit exactly min(N, R). Placed in the action's
-- own batch, a refusal rolls the whole action back.
CREATE FUNCTION app.meter(p_metric text, p_amount bigint)
  RETURNS bigint
  LANGUAGE plpgsql
  SECURITY DEFINER
  SET search_path = pg_catalog, pg_temp
  AS $$
DECLARE
  v_tenant uuid := app.tenant_id();
  v_month date := date_trunc('month', now() AT TIME ZONE 'UTC')::date;
  v_quota bigint;
  v_used bigint;
BEGIN
  IF v_tenant IS NULL THEN
    RAISE EXCEPTION 'metering needs a tenant''s request' USING ERRCODE = 'DT403';
  END IF;
  IF p_metric IS NULL OR p_metric NOT IN ('companies_house_imports', 'scrape_jobs', 'exported_rows', 'api_requests') THEN
    RAISE EXCEPTION 'unknown metric "%"', p_metric USING ERRCODE = '22023';
  END IF;
  IF p_amount IS NULL OR p_amount < 0 THEN
    RAISE EXCEPTION 'a metered amount cannot be negative' USING ERRCODE = '22023';
  END IF;
  IF p_amount = 0 THEN
    RETURN NULL;
  END IF;
  SELECT (e.quotas ->> p_metric)::bigint INTO v_quota FROM app.entitlements(v_tenant) e;

  INSERT INTO public.usage AS u (tenant_id, metric, period, starts_on, used)
  SELECT v_tenant, p_metric, 'month', v_month, p_amount WHERE v_quota IS NULL OR p_amount <= v_quota
  ON CONFLICT (tenant_id, metric, period, starts_on) DO UPDATE SET used = u.used + excluded.used
   WHERE v_quota IS NULL OR u.used + excluded.used <= v_quota
  RETURNING u.used INTO v_used;

  IF v_used IS NULL THEN
    SELECT u.used INTO v_used FROM public.usage u
     WHERE u.tenant_id = v_tenant AND u.metric = p_metric AND u.period = 'month' AND u.starts_on = v_month;
    RAISE EXCEPTION 'quota exceeded' USING ERRCODE = 'DT402', DETAIL = jsonb_build_object(
      'metric', p_metric, 'quota', v_quota, 'used', coalesce(v_used, 0), 'requested', p_amount,
      'resets_at', to_char(v_month + interval '1 month', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'))::text;
  END IF;

  INSERT INTO public.usage AS u (tenant_id, metric, period, starts_on, used)
  VALUES (v_tenant, p_metric, 'day', (now() AT TIME ZONE 'UTC')::date, p_amount)
  ON CONFLICT (tenant_id, metric, period, starts_on) DO UPDATE SET used = u.used + excluded.used;
  RETURN v_used;
END
$$;
--> statement-breakpoint
ALTER FUNCTION app.meter(text, bigint) OWNER TO app_auth;
--> statement-breakpoint
REVOKE EXECUTE ON FUNCTION app.meter(text, bigint) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION app.meter(text, bigint) TO app_api;
--> statement-breakpoint
-- Refuses (DT402) a new member of `p_tenant` beyond its plan's seat limit. Call it in the same
-- transaction, before the membership is written (app.add_member, invitations): the advisory lock
-- queues concurrent additions to one tenant until commit, so two cannot both take the last seat.
-- With the caller's rights: as the API role it counts its own tenant only.
CREATE FUNCTION app.assert_seat_available(p_tenant uuid)
  RETURNS void
  LANGUAGE plpgsql
  SET search_path = pg_catalog, pg_temp
  AS $$
DECLARE
  v_limit integer;
  v_used integer;
BEGIN
  PERFORM pg_advisory_xact_lock(hashtextextended('seats:' || p_tenant::text, 0));
  SELECT e.seat_limit INTO v_limit FROM app.entitlements(p_tenant) e;
  IF v_limit IS NULL THEN
    RETURN;
  END IF;
  SELECT count(*) INTO v_used FROM public.memberships m WHERE m.tenant_id = p_tenant;
  IF v_used >= v_limit THEN
    RAISE EXCEPTION 'seat limit reached' USING ERRCODE = 'DT402', DETAIL = jsonb_build_object(
      'metric', 'seats', 'quota', v_limit, 'used', v_used, 'requested', 1, 'resets_at', NULL)::text;
  END IF;
END
$$;
--> statement-breakpoint
REVOKE EXECUTE ON FUNCTION app.assert_seat_available(uuid) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION app.assert_seat_available(uuid) TO app_api, app_auth;
--> statement-breakpoint
-- A flush of API-request counts from a tenant's rate limiter (the Worker's own identity only).
-- The flush id makes a repeated flush count nothing. Returns the meter event to report to Stripe
-- when the tenant has a Stripe customer.
CREATE FUNCTION app.record_api_requests(p_flush_id uuid, p_tenant uuid, p_day date, p_count bigint)
  RETURNS TABLE (report_id uuid, stripe_customer_id text, value bigint)
  LANGUAGE plpgsql
  SECURITY DEFINER
  SET search_path = pg_catalog, pg_temp
  AS $$
DECLARE
  v_customer text;
BEGIN
  IF NOT app.is_worker() THEN
    RAISE EXCEPTION 'only the Worker''s rate limiter records API requests' USING ERRCODE = 'DT403';
  END IF;
  IF p_count IS NULL OR p_count <= 0 THEN
    RETURN;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM public.tenants t WHERE t.id = p_tenant AND t.deleted_at IS NULL) THEN
    RETURN;
  END IF;
  SELECT s.stripe_customer_id INTO v_customer FROM public.subscriptions s WHERE s.tenant_id = p_tenant;
  INSERT INTO public.usage_reports (id, tenant_id, metric, day, value, stripe_customer_id)
  VALUES (p_flush_id, p_tenant, 'api_requests', p_day, p_count, v_customer)
  ON CONFLICT (id) DO NOTHING;
  IF NOT FOUND THEN
    RETURN;
  END IF;
  INSERT INTO public.usage AS u (tenant_id, metric, period, starts_on, used)
  VALUES (p_tenant, 'api_requests', 'month', date_trunc('month', p_day)::date, p_count),
         (p_tenant, 'api_requests', 'day', p_day, p_count)
  ON CONFLICT (tenant_id, metric, period, starts_on) DO UPDATE SET used = u.used + excluded.used;
  IF v_customer IS NOT NULL THEN
    RETURN QUERY SELECT p_flush_id, v_customer, p_count;
  END IF;
END
$$;
--> statement-breakpoint
ALTER FUNCTION app.record_api_requests(uuid, uuid, date, bigint) OWNER TO app_auth;
--> statement-breakpoint
REVOKE EXECUTE ON FUNCTION app.record_api_requests(uuid, uuid, date, bigint) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION app.record_api_requests(uuid, uuid, date, bigint) TO app_api;
