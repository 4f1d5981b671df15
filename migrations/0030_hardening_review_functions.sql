-- Fixes from a review of issue 11's hardening (hand-written: grants and functions).

-- 1. SECURITY DEFINER trigger functions were executable by PUBLIC: any role could attach them to
--    a temp table of its own and have them write audit rows into any tenant (audit_row_change) or
--    probe tenants and owners (guard_membership_change). EXECUTE is checked when a trigger is
--    created, not when it fires, so the app's own triggers keep working.
REVOKE EXECUTE ON FUNCTION app.audit_row_change(), app.guard_membership_change() FROM PUBLIC;
--> statement-breakpoint
-- No role of the app needs temporary tables; without them there is nothing to attach a trigger to.
DO $$ BEGIN EXECUTE format('REVOKE TEMPORARY ON DATABASE %I FROM PUBLIC', current_database()); END $$;
--> statement-breakpoint
-- 2. app.identity() is for the app's roles only.
REVOKE EXECUTE ON FUNCTION app.identity() FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION app.identity() TO app_api, app_maintenance, app_search, CURRENT_USER;
--> statement-breakpoint
-- 3. The Worker's own identity is the queue consumer's before it enters a job's tenant: once
--    app.resume_scrape_job has moved it into a tenant, it can no longer claim or fail other jobs.
CREATE OR REPLACE FUNCTION app.is_worker() RETURNS boolean
  LANGUAGE sql STABLE PARALLEL SAFE
  AS $$ SELECT coalesce(i[5] = 'system' AND i[1] = '', false) FROM (SELECT app.identity() AS i) s $$;
--> statement-breakpoint
-- 4. Assertions live one minute (plus a minute of clock skew ahead), and carry the request's
--    statement timeout: a statement never outlives the Worker's deadline for it, so a request the
--    Worker gave up on (503) cannot go on holding locks, or commit long after.
CREATE OR REPLACE FUNCTION app.verify_assertion(p_kid text, p_assertion text, p_signature text) RETURNS jsonb
  LANGUAGE plpgsql
  SECURITY DEFINER
  SET search_path = pg_catalog, pg_temp
  AS $$
DECLARE
  v_secret bytea;
  v_claims jsonb;
  v_age numeric;
BEGIN
  SELECT k.secret INTO v_secret FROM app.assertion_keys k WHERE k.kid = p_kid;
  IF v_secret IS NULL THEN
    RAISE EXCEPTION 'unknown request assertion key %', p_kid USING ERRCODE = 'DTKEY',
      HINT = 'install DATABASE_ASSERTION_KEY in the database: npm run db:assertion-key';
  END IF;
  IF p_signature IS NULL
     OR public.hmac(convert_to(p_assertion, 'UTF8'), v_secret, 'sha256') IS DISTINCT FROM decode(p_signature, 'base64') THEN
    RAISE EXCEPTION 'request assertion signature does not verify' USING ERRCODE = 'DTKEY';
  END IF;
  v_claims := p_assertion::jsonb;
  v_age := extract(epoch FROM now()) - (v_claims ->> 'iat')::numeric;
  IF v_age IS NULL OR v_age > 60 OR v_age < -60 THEN
    RAISE EXCEPTION 'request assertion is stale or from the future (age % s)', round(v_age) USING ERRCODE = 'DTKEY';
  END IF;
  IF v_claims ? 'statement_timeout_ms' THEN
    PERFORM set_config('statement_timeout', ((v_claims ->> 'statement_timeout_ms')::integer)::text || 'ms', true);
  END IF;
  RETURN v_claims;
END
$$;
--> statement-breakpoint
-- 5. A deleted tenant's jobs are not scraped: not claimed, and a running one cannot store its
--    results (its consumer drops them, as for a lost lease).
CREATE OR REPLACE FUNCTION app.claim_scrape_job(p_job_id uuid, p_lease_id uuid, p_lease_seconds integer)
  RETURNS TABLE (id uuid, tenant_id uuid, company_id uuid, url text, attempts integer)
  LANGUAGE plpgsql
  SECURITY DEFINER
  SET search_path = pg_catalog, pg_temp
  AS $$
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
  RETURNING j.id, j.tenant_id, j.company_id, j.url, j.attempts;
END
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION app.resume_scrape_job(p_job_id uuid, p_lease_id uuid, p_request_id text)
  RETURNS void
  LANGUAGE plpgsql
  SECURITY DEFINER
  SET search_path = pg_catalog, pg_temp
  AS $$
DECLARE
  v_tenant_id uuid;
BEGIN
  IF NOT app.is_worker() THEN
    RAISE EXCEPTION 'only the Worker''s queue consumer may resume scrape jobs' USING ERRCODE = 'DT403';
  END IF;
  SELECT j.tenant_id INTO v_tenant_id
    FROM public.scrape_jobs j
    JOIN public.tenants t ON t.id = j.tenant_id AND t.deleted_at IS NULL
   WHERE j.id = p_job_id AND j.status = 'running' AND j.lease_id = p_lease_id
     FOR UPDATE OF j;
  IF v_tenant_id IS NULL THEN
    RAISE EXCEPTION 'scrape job % is no longer held by this consumer', p_job_id USING ERRCODE = 'DT409';
  END IF;
  PERFORM app.seal_identity(v_tenant_id, NULL, NULL, NULL, 'system', NULL, coalesce(p_request_id, app.request_id()));
END
$$;
