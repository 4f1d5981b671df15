-- Feature flags and modules (issue 14, points 2 and 3). Tenants read neither flags nor module
-- overrides: app.tenant_features and app.tenant_module_ids (app_auth) evaluate them for the sealed
-- tenant; operators write them only through app.operator_* functions (app_platform), which record
-- every change in the platform audit log in the same transaction.
ALTER TABLE modules FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE tenant_modules FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE feature_flags FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE tenant_feature_flags FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
GRANT SELECT ON modules TO app_api, app_auth, app_platform;
--> statement-breakpoint
GRANT SELECT ON tenant_modules TO app_auth;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON tenant_modules, feature_flags, tenant_feature_flags TO app_platform;
--> statement-breakpoint
GRANT SELECT, DELETE ON tenant_modules, tenant_feature_flags TO app_maintenance;
--> statement-breakpoint
GRANT SELECT ON feature_flags, tenant_feature_flags TO app_auth;
--> statement-breakpoint
GRANT UPDATE (sector) ON tenants TO app_api;
--> statement-breakpoint
-- The catalogue. Core features (companies, contacts, privacy, workspaces, members, billing) are
-- no modules: every tenant has them. `sso` and `audit_export` named nothing that exists and go.
INSERT INTO modules (id, name, description, position) VALUES
  ('companies_house', 'Companies House', 'Import and refresh companies from the Companies House API.', 0),
  ('register', 'UK register', 'Search the whole UK register of companies (Companies House bulk data).', 1),
  ('web_scrape', 'Website scraping', 'Scrape companies'' websites politely for their details and contact pages.', 2),
  ('technographics', 'Technographics', 'The technologies a company''s website runs on, with evidence (company signals).', 3),
  ('exports', 'Exports', 'Export companies and contacts as CSV or NDJSON.', 4),
  ('webhooks', 'Events and webhooks', 'The events feed and signed webhook deliveries to your endpoints.', 5);
--> statement-breakpoint
UPDATE plans SET modules = CASE id
    WHEN 'free' THEN '{companies_house,register}'::text[]
    ELSE '{companies_house,register,web_scrape,technographics,exports,webhooks}'::text[]
  END
 WHERE id IN ('free', 'pro', 'enterprise');
--> statement-breakpoint
-- Whether a tenant has a module under a plan: the operator's override (primary key) if there is
-- one, else the plan's list (primary key). SECURITY INVOKER: the caller's policies decide.
CREATE OR REPLACE FUNCTION app.module_enabled(p_tenant_id uuid, p_plan text, p_module text)
 RETURNS boolean
 LANGUAGE sql
 STABLE PARALLEL SAFE
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
  SELECT coalesce(
    (SELECT o.enabled FROM public.tenant_modules o WHERE o.tenant_id = p_tenant_id AND o.module = p_module),
    (SELECT p_module = ANY (p.modules) FROM public.plans p WHERE p.id = p_plan),
    false)
$function$;
--> statement-breakpoint
-- The same under the plan in force now (for background work, which has no begin_request).
CREATE OR REPLACE FUNCTION app.tenant_has_module(p_tenant_id uuid, p_module text)
 RETURNS boolean
 LANGUAGE sql
 STABLE PARALLEL SAFE
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
  SELECT app.module_enabled(p_tenant_id, (SELECT e.plan FROM app.entitlements(p_tenant_id) e), p_module)
$function$;
--> statement-breakpoint
-- Called by app.begin_request (as app_auth) with the module the route's metadata names (the
-- signed assertion's `module` claim): nothing to do for routes of no module.
CREATE OR REPLACE FUNCTION app.refuse_disabled_module(p_tenant_id uuid, p_plan text, p_module text)
 RETURNS void
 LANGUAGE plpgsql
 STABLE
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
BEGIN
  IF p_module IS NOT NULL AND p_tenant_id IS NOT NULL AND NOT app.module_enabled(p_tenant_id, p_plan, p_module) THEN
    RAISE EXCEPTION 'this tenant''s plan does not include the % module', p_module
      USING ERRCODE = 'DTMOD', DETAIL = p_module;
  END IF;
END
$function$;
--> statement-breakpoint
-- A tenant's modules now: the plan's, plus enabled overrides, minus disabled ones, in catalogue order.
CREATE OR REPLACE FUNCTION app.tenant_module_ids(p_tenant_id uuid)
 RETURNS text[]
 LANGUAGE sql
 STABLE
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
  SELECT coalesce(array_agg(m.id ORDER BY m.position, m.id), '{}'::text[])
    FROM public.modules m, (SELECT e.plan FROM app.entitlements(p_tenant_id) e) e
   WHERE app.module_enabled(p_tenant_id, e.plan, m.id)
$function$;
--> statement-breakpoint
-- GET /v1/tenant: the sealed tenant's modules (the API role cannot read overrides itself).
CREATE OR REPLACE FUNCTION app.current_tenant_modules()
 RETURNS text[]
 LANGUAGE sql
 STABLE
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
  SELECT CASE WHEN app.tenant_id() IS NOT NULL THEN app.tenant_module_ids(app.tenant_id()) END
$function$;
--> statement-breakpoint
-- A tenant's stable rollout bucket for a flag, 0..9999: the first 32 bits of
-- md5(flag_key || ':' || tenant_id) mod 10000. A tenant is in a rollout of p % when its bucket is
-- under p * 100, so it never flips between requests and stays in as the percentage grows.
CREATE OR REPLACE FUNCTION app.flag_bucket(p_flag_key text, p_tenant_id uuid)
 RETURNS integer
 LANGUAGE sql
 IMMUTABLE PARALLEL SAFE
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
  SELECT (('x' || left(md5(p_flag_key || ':' || p_tenant_id::text), 8))::bit(32)::bigint % 10000)::integer
$function$;
--> statement-breakpoint
-- Every flag evaluated for one tenant with its plan in force and attributes: the override wins;
-- then a tenant outside the targeting (plans, attributes) gets the default; inside it, the value
-- if its bucket is in the rollout (reason `targeting` for a full rollout of a targeted flag,
-- `rollout` otherwise), else the default.
CREATE OR REPLACE FUNCTION app.evaluate_flags(p_tenant_id uuid)
 RETURNS TABLE(key text, value jsonb, reason text, description text)
 LANGUAGE sql
 STABLE
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
  WITH tenant AS (
    SELECT t.id, e.plan, jsonb_build_object('sector', t.sector) AS attributes
      FROM public.tenants t, app.entitlements(t.id) e
     WHERE t.id = p_tenant_id
  ), judged AS (
    SELECT f.key, f.description, f.value, f.default_value, o.value AS override_value, o.tenant_id IS NOT NULL AS overridden,
           (cardinality(f.target_plans) = 0 OR t.plan = ANY (f.target_plans))
             AND NOT EXISTS (SELECT 1 FROM jsonb_each(f.target_attributes) a
                              WHERE NOT coalesce(a.value ? (t.attributes ->> a.key), false)) AS targeted,
           cardinality(f.target_plans) > 0 OR f.target_attributes <> '{}'::jsonb AS has_targeting,
           f.rollout_percentage,
           app.flag_bucket(f.key, t.id) < (f.rollout_percentage * 100)::integer AS in_rollout
      FROM tenant t
     CROSS JOIN public.feature_flags f
      LEFT JOIN public.tenant_feature_flags o ON o.tenant_id = t.id AND o.flag_key = f.key
  )
  SELECT j.key,
         CASE WHEN j.overridden THEN j.override_value WHEN j.targeted AND j.in_rollout THEN j.value ELSE j.default_value END,
         CASE WHEN j.overridden THEN 'override'
              WHEN j.targeted AND j.in_rollout AND j.has_targeting AND j.rollout_percentage = 100 THEN 'targeting'
              WHEN j.targeted AND j.in_rollout THEN 'rollout'
              ELSE 'default' END,
         j.description
    FROM judged j
   ORDER BY j.key
$function$;
--> statement-breakpoint
-- GET /v1/features: the sealed tenant's flags, one statement of the route's batch.
CREATE OR REPLACE FUNCTION app.tenant_features()
 RETURNS TABLE(key text, value jsonb, reason text, description text)
 LANGUAGE sql
 STABLE
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
  SELECT * FROM app.evaluate_flags(app.tenant_id()) WHERE app.tenant_id() IS NOT NULL
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
  PERFORM app.refuse_disabled_module(v_tenant_id, v_plan, c ->> 'module');
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
     AND app.tenant_has_module(j.tenant_id, 'web_scrape')
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
       AND app.tenant_has_module(d.tenant_id, 'webhooks')
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
-- A flag as operators see it, with its overrides.
CREATE OR REPLACE FUNCTION app.operator_flag_json(p_flag public.feature_flags)
 RETURNS jsonb
 LANGUAGE sql
 STABLE
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
  SELECT jsonb_build_object(
    'key', p_flag.key, 'description', p_flag.description, 'default_value', p_flag.default_value,
    'value', p_flag.value, 'rollout_percentage', p_flag.rollout_percentage,
    'target_plans', to_jsonb(p_flag.target_plans), 'target_attributes', p_flag.target_attributes,
    'created_at', p_flag.created_at, 'updated_at', p_flag.updated_at,
    'overrides', coalesce((SELECT jsonb_agg(jsonb_build_object('tenant_id', o.tenant_id, 'value', o.value,
                                  'reason', o.reason, 'updated_at', o.updated_at) ORDER BY o.updated_at DESC, o.tenant_id)
                             FROM public.tenant_feature_flags o WHERE o.flag_key = p_flag.key), '[]'::jsonb))
$function$;
--> statement-breakpoint
-- Plans a flag targets must exist (plans are data).
CREATE OR REPLACE FUNCTION app.check_flag_plans(p_plans text[])
 RETURNS void
 LANGUAGE plpgsql
 STABLE
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
DECLARE
  v_unknown text;
BEGIN
  SELECT x INTO v_unknown FROM unnest(p_plans) x WHERE NOT EXISTS (SELECT 1 FROM public.plans p WHERE p.id = x) LIMIT 1;
  IF v_unknown IS NOT NULL THEN
    RAISE EXCEPTION 'there is no plan "%"', v_unknown USING ERRCODE = 'DT422';
  END IF;
END
$function$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION app.operator_list_flags()
 RETURNS SETOF jsonb
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
BEGIN
  PERFORM app.require_operator();
  RETURN QUERY SELECT app.operator_flag_json(f) FROM public.feature_flags f ORDER BY f.key;
END
$function$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION app.operator_get_flag(p_key text)
 RETURNS jsonb
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
BEGIN
  PERFORM app.require_operator();
  RETURN (SELECT app.operator_flag_json(f) FROM public.feature_flags f WHERE f.key = p_key);
END
$function$;
--> statement-breakpoint
-- Creates a flag from the validated body (keys absent: the column defaults). A taken key is 409.
CREATE OR REPLACE FUNCTION app.operator_create_flag(p_flag jsonb)
 RETURNS jsonb
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
DECLARE
  v_flag public.feature_flags;
BEGIN
  PERFORM app.require_operator();
  PERFORM app.check_flag_plans(ARRAY(SELECT jsonb_array_elements_text(coalesce(p_flag -> 'target_plans', '[]'))));
  INSERT INTO public.feature_flags AS f (key, description, default_value, value, rollout_percentage, target_plans, target_attributes)
  VALUES (p_flag ->> 'key', coalesce(p_flag ->> 'description', ''), coalesce(p_flag -> 'default_value', 'false'),
          coalesce(p_flag -> 'value', 'true'), coalesce((p_flag ->> 'rollout_percentage')::numeric, 0),
          ARRAY(SELECT jsonb_array_elements_text(coalesce(p_flag -> 'target_plans', '[]'))),
          coalesce(p_flag -> 'target_attributes', '{}'))
  ON CONFLICT (key) DO NOTHING
  RETURNING * INTO v_flag;
  IF v_flag.key IS NULL THEN
    RAISE EXCEPTION 'a flag "%" already exists', p_flag ->> 'key' USING ERRCODE = 'DT409';
  END IF;
  PERFORM app.platform_audit('flag.created', NULL, jsonb_build_object('flag', v_flag.key, 'after', to_jsonb(v_flag)));
  RETURN app.operator_flag_json(v_flag);
END
$function$;
--> statement-breakpoint
-- Changes the fields the body names; NULL when there is no such flag.
CREATE OR REPLACE FUNCTION app.operator_update_flag(p_key text, p_changes jsonb)
 RETURNS jsonb
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
DECLARE
  v_before public.feature_flags;
  v_flag public.feature_flags;
BEGIN
  PERFORM app.require_operator();
  IF p_changes ? 'target_plans' THEN
    PERFORM app.check_flag_plans(ARRAY(SELECT jsonb_array_elements_text(p_changes -> 'target_plans')));
  END IF;
  SELECT * INTO v_before FROM public.feature_flags f WHERE f.key = p_key FOR UPDATE;
  IF v_before.key IS NULL THEN
    RETURN NULL;
  END IF;
  UPDATE public.feature_flags f SET
    description = CASE WHEN p_changes ? 'description' THEN p_changes ->> 'description' ELSE f.description END,
    default_value = CASE WHEN p_changes ? 'default_value' THEN p_changes -> 'default_value' ELSE f.default_value END,
    value = CASE WHEN p_changes ? 'value' THEN p_changes -> 'value' ELSE f.value END,
    rollout_percentage = CASE WHEN p_changes ? 'rollout_percentage' THEN (p_changes ->> 'rollout_percentage')::numeric
                              ELSE f.rollout_percentage END,
    target_plans = CASE WHEN p_changes ? 'target_plans'
                        THEN ARRAY(SELECT jsonb_array_elements_text(p_changes -> 'target_plans')) ELSE f.target_plans END,
    target_attributes = CASE WHEN p_changes ? 'target_attributes' THEN p_changes -> 'target_attributes'
                             ELSE f.target_attributes END,
    updated_at = now()
   WHERE f.key = p_key
  RETURNING * INTO v_flag;
  PERFORM app.platform_audit('flag.updated', NULL,
    jsonb_build_object('flag', p_key, 'before', to_jsonb(v_before), 'after', to_jsonb(v_flag)));
  RETURN app.operator_flag_json(v_flag);
END
$function$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION app.operator_delete_flag(p_key text)
 RETURNS boolean
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
DECLARE
  v_flag public.feature_flags;
BEGIN
  PERFORM app.require_operator();
  DELETE FROM public.feature_flags f WHERE f.key = p_key RETURNING * INTO v_flag;
  IF v_flag.key IS NULL THEN
    RETURN false;
  END IF;
  PERFORM app.platform_audit('flag.deleted', NULL, jsonb_build_object('flag', p_key, 'before', to_jsonb(v_flag)));
  RETURN true;
END
$function$;
--> statement-breakpoint
-- Fixes a flag's value for one tenant; NULL when the flag or the (live) tenant does not exist.
CREATE OR REPLACE FUNCTION app.operator_set_flag_override(p_key text, p_tenant_id uuid, p_value jsonb, p_reason text)
 RETURNS jsonb
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
DECLARE
  v_before jsonb;
BEGIN
  PERFORM app.require_operator();
  IF NOT EXISTS (SELECT 1 FROM public.feature_flags f WHERE f.key = p_key)
     OR NOT EXISTS (SELECT 1 FROM public.tenants t WHERE t.id = p_tenant_id AND t.deleted_at IS NULL) THEN
    RETURN NULL;
  END IF;
  SELECT o.value INTO v_before FROM public.tenant_feature_flags o WHERE o.tenant_id = p_tenant_id AND o.flag_key = p_key;
  INSERT INTO public.tenant_feature_flags AS o (flag_key, tenant_id, value, reason, operator_id)
  VALUES (p_key, p_tenant_id, p_value, p_reason, app.operator_id())
  ON CONFLICT (tenant_id, flag_key) DO UPDATE
    SET value = excluded.value, reason = excluded.reason, operator_id = excluded.operator_id, updated_at = now();
  PERFORM app.platform_audit('flag.override_set', p_tenant_id,
    jsonb_build_object('flag', p_key, 'value', p_value, 'previous', v_before, 'reason', p_reason));
  RETURN (SELECT e.r FROM (SELECT to_jsonb(x) AS r FROM app.evaluate_flags(p_tenant_id) x WHERE x.key = p_key) e);
END
$function$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION app.operator_delete_flag_override(p_key text, p_tenant_id uuid)
 RETURNS jsonb
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
DECLARE
  v_before jsonb;
BEGIN
  PERFORM app.require_operator();
  DELETE FROM public.tenant_feature_flags o WHERE o.tenant_id = p_tenant_id AND o.flag_key = p_key RETURNING o.value INTO v_before;
  IF v_before IS NULL THEN
    RETURN NULL;
  END IF;
  PERFORM app.platform_audit('flag.override_removed', p_tenant_id, jsonb_build_object('flag', p_key, 'previous', v_before));
  RETURN (SELECT e.r FROM (SELECT to_jsonb(x) AS r FROM app.evaluate_flags(p_tenant_id) x WHERE x.key = p_key) e);
END
$function$;
--> statement-breakpoint
-- An operator's module decision for one tenant (p_enabled NULL: remove it, the plan decides).
-- NULL when the tenant does not exist or, on removal, there was no override; an unknown module is 404.
CREATE OR REPLACE FUNCTION app.operator_set_tenant_module(p_tenant_id uuid, p_module text, p_enabled boolean, p_reason text)
 RETURNS jsonb
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'pg_temp'
AS $function$
DECLARE
  v_before boolean;
  v_found boolean;
BEGIN
  PERFORM app.require_operator();
  IF NOT EXISTS (SELECT 1 FROM public.modules m WHERE m.id = p_module) THEN
    RAISE EXCEPTION 'there is no module "%"', p_module USING ERRCODE = 'DT404';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM public.tenants t WHERE t.id = p_tenant_id AND t.deleted_at IS NULL) THEN
    RETURN NULL;
  END IF;
  SELECT o.enabled INTO v_before FROM public.tenant_modules o WHERE o.tenant_id = p_tenant_id AND o.module = p_module FOR UPDATE;
  v_found := FOUND;
  IF p_enabled IS NULL THEN
    IF NOT v_found THEN
      RETURN NULL;
    END IF;
    DELETE FROM public.tenant_modules o WHERE o.tenant_id = p_tenant_id AND o.module = p_module;
    PERFORM app.platform_audit('tenant.module_override_removed', p_tenant_id,
      jsonb_build_object('module', p_module, 'previous', v_before));
  ELSE
    INSERT INTO public.tenant_modules AS o (tenant_id, module, enabled, reason, operator_id)
    VALUES (p_tenant_id, p_module, p_enabled, p_reason, app.operator_id())
    ON CONFLICT (tenant_id, module) DO UPDATE
      SET enabled = excluded.enabled, reason = excluded.reason, operator_id = excluded.operator_id, updated_at = now();
    PERFORM app.platform_audit('tenant.module_override_set', p_tenant_id,
      jsonb_build_object('module', p_module, 'enabled', p_enabled, 'previous', v_before, 'reason', p_reason));
  END IF;
  RETURN jsonb_build_object(
    'tenant_id', p_tenant_id,
    'plan', (SELECT e.plan FROM app.entitlements(p_tenant_id) e),
    'modules', to_jsonb(app.tenant_module_ids(p_tenant_id)),
    'overrides', coalesce((SELECT jsonb_agg(jsonb_build_object('module', o.module, 'enabled', o.enabled, 'reason', o.reason,
                                  'updated_at', o.updated_at) ORDER BY o.module)
                             FROM public.tenant_modules o WHERE o.tenant_id = p_tenant_id), '[]'::jsonb));
END
$function$;
--> statement-breakpoint
ALTER FUNCTION app.operator_list_flags() OWNER TO app_platform;
--> statement-breakpoint
REVOKE EXECUTE ON FUNCTION app.operator_list_flags() FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION app.operator_list_flags() TO app_api;
--> statement-breakpoint
ALTER FUNCTION app.operator_get_flag(text) OWNER TO app_platform;
--> statement-breakpoint
REVOKE EXECUTE ON FUNCTION app.operator_get_flag(text) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION app.operator_get_flag(text) TO app_api;
--> statement-breakpoint
ALTER FUNCTION app.operator_create_flag(jsonb) OWNER TO app_platform;
--> statement-breakpoint
REVOKE EXECUTE ON FUNCTION app.operator_create_flag(jsonb) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION app.operator_create_flag(jsonb) TO app_api;
--> statement-breakpoint
ALTER FUNCTION app.operator_update_flag(text, jsonb) OWNER TO app_platform;
--> statement-breakpoint
REVOKE EXECUTE ON FUNCTION app.operator_update_flag(text, jsonb) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION app.operator_update_flag(text, jsonb) TO app_api;
--> statement-breakpoint
ALTER FUNCTION app.operator_delete_flag(text) OWNER TO app_platform;
--> statement-breakpoint
REVOKE EXECUTE ON FUNCTION app.operator_delete_flag(text) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION app.operator_delete_flag(text) TO app_api;
--> statement-breakpoint
ALTER FUNCTION app.operator_set_flag_override(text, uuid, jsonb, text) OWNER TO app_platform;
--> statement-breakpoint
REVOKE EXECUTE ON FUNCTION app.operator_set_flag_override(text, uuid, jsonb, text) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION app.operator_set_flag_override(text, uuid, jsonb, text) TO app_api;
--> statement-breakpoint
ALTER FUNCTION app.operator_delete_flag_override(text, uuid) OWNER TO app_platform;
--> statement-breakpoint
REVOKE EXECUTE ON FUNCTION app.operator_delete_flag_override(text, uuid) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION app.operator_delete_flag_override(text, uuid) TO app_api;
--> statement-breakpoint
ALTER FUNCTION app.operator_set_tenant_module(uuid, text, boolean, text) OWNER TO app_platform;
--> statement-breakpoint
REVOKE EXECUTE ON FUNCTION app.operator_set_tenant_module(uuid, text, boolean, text) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION app.operator_set_tenant_module(uuid, text, boolean, text) TO app_api;
--> statement-breakpoint
ALTER FUNCTION app.tenant_features() OWNER TO app_auth;
--> statement-breakpoint
REVOKE EXECUTE ON FUNCTION app.tenant_features() FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION app.tenant_features() TO app_api;
--> statement-breakpoint
ALTER FUNCTION app.current_tenant_modules() OWNER TO app_auth;
--> statement-breakpoint
REVOKE EXECUTE ON FUNCTION app.current_tenant_modules() FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION app.current_tenant_modules() TO app_api;
--> statement-breakpoint
REVOKE EXECUTE ON FUNCTION app.module_enabled(uuid, text, text) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION app.module_enabled(uuid, text, text) TO app_auth, app_platform, app_maintenance;
--> statement-breakpoint
REVOKE EXECUTE ON FUNCTION app.tenant_has_module(uuid, text) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION app.tenant_has_module(uuid, text) TO app_auth, app_platform, app_maintenance;
--> statement-breakpoint
REVOKE EXECUTE ON FUNCTION app.refuse_disabled_module(uuid, text, text) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION app.refuse_disabled_module(uuid, text, text) TO app_auth;
--> statement-breakpoint
REVOKE EXECUTE ON FUNCTION app.tenant_module_ids(uuid) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION app.tenant_module_ids(uuid) TO app_auth, app_platform;
--> statement-breakpoint
REVOKE EXECUTE ON FUNCTION app.flag_bucket(text, uuid) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION app.flag_bucket(text, uuid) TO app_auth, app_platform;
--> statement-breakpoint
REVOKE EXECUTE ON FUNCTION app.evaluate_flags(uuid) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION app.evaluate_flags(uuid) TO app_auth, app_platform;
--> statement-breakpoint
REVOKE EXECUTE ON FUNCTION app.operator_flag_json(public.feature_flags) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION app.operator_flag_json(public.feature_flags) TO app_platform;
--> statement-breakpoint
REVOKE EXECUTE ON FUNCTION app.check_flag_plans(text[]) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION app.check_flag_plans(text[]) TO app_platform;
