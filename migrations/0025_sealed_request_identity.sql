-- Identity that the API's own role cannot forge (issue 11, point 2).
--
-- Before: begin_request believed the subject it was given, and the policies read settings that
-- any session of app_api could set_config itself. Now:
-- 1. The Worker signs every request's identity claims (an assertion, HMAC-SHA256 with
--    DATABASE_ASSERTION_KEY); begin_request verifies the signature with a key that only app_auth
--    can read, and refuses stale assertions.
-- 2. What begin_request establishes is sealed to the transaction: app.identity holds the claims,
--    app.identity_seal an HMAC of them and of the transaction's start time with a key that never
--    leaves Postgres. Every reader (app.tenant_id() ...) goes through app.identity(), which checks
--    the seal: a set_config of the same names afterwards raises 42501 instead of moving tenant.
-- Hand-written: keys, functions, grants.

CREATE EXTENSION IF NOT EXISTS pgcrypto;
--> statement-breakpoint
-- Keys the Worker signs assertions with (shared with it as DATABASE_ASSERTION_KEY). Several may be
-- valid at once during a rotation; kid = the first 16 hex digits of the key's SHA-256.
CREATE TABLE app.assertion_keys (
  kid text PRIMARY KEY,
  secret bytea NOT NULL CHECK (octet_length(secret) >= 32),
  created_at timestamptz NOT NULL DEFAULT now()
);
--> statement-breakpoint
-- The seal's key: random, made here, read only by app_auth. It never leaves the database.
CREATE TABLE app.seal_key (
  only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
  secret bytea NOT NULL DEFAULT public.gen_random_bytes(32)
);
--> statement-breakpoint
INSERT INTO app.seal_key DEFAULT VALUES;
--> statement-breakpoint
REVOKE ALL ON app.assertion_keys, app.seal_key FROM PUBLIC;
--> statement-breakpoint
GRANT SELECT ON app.assertion_keys, app.seal_key TO app_auth;
--> statement-breakpoint
-- The seal of a set of claims in THIS transaction (now() is the transaction's start) under the
-- seal key. Plain SQL so that it is inlined into its two callers; useless without the key, which
-- only app_auth can read.
CREATE FUNCTION app.identity_seal(p_identity text, p_key bytea) RETURNS text
  LANGUAGE sql STABLE PARALLEL SAFE
  AS $$
  SELECT pg_catalog.encode(public.hmac(pg_catalog.convert_to(p_identity || '|' || extract(epoch FROM now())::text, 'UTF8'),
                                       p_key, 'sha256'), 'base64')
$$;
--> statement-breakpoint
-- Establishes the transaction's identity. Fields: tenant, user, API key, role, actor type, actor
-- id, request id ('' for none). Internal to the SECURITY DEFINER functions.
CREATE FUNCTION app.seal_identity(
  p_tenant_id uuid, p_user_id uuid, p_api_key_id uuid, p_role text, p_actor_type text, p_actor_id uuid,
  p_request_id text
) RETURNS void
  LANGUAGE plpgsql
  SECURITY DEFINER
  SET search_path = pg_catalog, pg_temp
  AS $$
DECLARE
  v_identity text;
BEGIN
  IF p_request_id LIKE '%|%' THEN
    RAISE EXCEPTION 'request id must not contain "|"' USING ERRCODE = '22023';
  END IF;
  v_identity := concat_ws('|', coalesce(p_tenant_id::text, ''), coalesce(p_user_id::text, ''),
    coalesce(p_api_key_id::text, ''), coalesce(p_role, ''), p_actor_type, coalesce(p_actor_id::text, ''),
    coalesce(p_request_id, ''));
  PERFORM set_config('app.identity', v_identity, true),
          set_config('app.identity_seal', app.identity_seal(v_identity, (SELECT k.secret FROM app.seal_key k)), true);
END
$$;
--> statement-breakpoint
ALTER FUNCTION app.seal_identity(uuid, uuid, uuid, text, text, uuid, text) OWNER TO app_auth;
--> statement-breakpoint
REVOKE ALL ON FUNCTION app.seal_identity(uuid, uuid, uuid, text, text, uuid, text) FROM PUBLIC;
--> statement-breakpoint
-- The verified identity of this transaction as an array (see seal_identity), NULL without one.
-- A forged or replayed value (wrong seal) is an error, not a silent NULL, so it shows in logs.
CREATE FUNCTION app.identity() RETURNS text[]
  LANGUAGE plpgsql STABLE PARALLEL SAFE
  SECURITY DEFINER
  SET search_path = pg_catalog, pg_temp
  AS $$
DECLARE
  v_identity text := nullif(current_setting('app.identity', true), '');
BEGIN
  IF v_identity IS NULL THEN
    RETURN NULL;
  END IF;
  IF app.identity_seal(v_identity, (SELECT k.secret FROM app.seal_key k))
     IS DISTINCT FROM nullif(current_setting('app.identity_seal', true), '') THEN
    RAISE EXCEPTION 'the request identity was not established by app.begin_request' USING ERRCODE = '42501';
  END IF;
  RETURN string_to_array(v_identity, '|');
END
$$;
--> statement-breakpoint
ALTER FUNCTION app.identity() OWNER TO app_auth;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION app.identity() TO app_api, app_maintenance, app_search;
--> statement-breakpoint
-- The readers the policies call keep their names; they now read the sealed identity. Plain SQL
-- wrappers, so the planner can inline them around the one SECURITY DEFINER call.
CREATE OR REPLACE FUNCTION app.tenant_id() RETURNS uuid
  LANGUAGE sql STABLE PARALLEL SAFE
  AS $$ SELECT nullif((app.identity())[1], '')::uuid $$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION app.user_id() RETURNS uuid
  LANGUAGE sql STABLE PARALLEL SAFE
  AS $$ SELECT nullif((app.identity())[2], '')::uuid $$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION app.api_key_id() RETURNS uuid
  LANGUAGE sql STABLE PARALLEL SAFE
  AS $$ SELECT nullif((app.identity())[3], '')::uuid $$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION app.role() RETURNS text
  LANGUAGE sql STABLE PARALLEL SAFE
  AS $$ SELECT nullif((app.identity())[4], '') $$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION app.actor_type() RETURNS text
  LANGUAGE sql STABLE PARALLEL SAFE
  AS $$ SELECT coalesce(nullif((app.identity())[5], ''), 'system') $$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION app.actor_id() RETURNS uuid
  LANGUAGE sql STABLE PARALLEL SAFE
  AS $$ SELECT nullif((app.identity())[6], '')::uuid $$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION app.request_id() RETURNS text
  LANGUAGE sql STABLE PARALLEL SAFE
  AS $$ SELECT nullif((app.identity())[7], '') $$;
--> statement-breakpoint
-- A verified identity of the Worker's own background work (queue consumer), with no tenant yet.
CREATE FUNCTION app.is_worker() RETURNS boolean
  LANGUAGE sql STABLE PARALLEL SAFE
  AS $$ SELECT coalesce((app.identity())[5] = 'system', false) $$;
--> statement-breakpoint
-- The claims of a signed assertion, or an error (DTKEY: the Worker and the database disagree on
-- keys or clocks, a deployment fault rather than the caller's).
CREATE FUNCTION app.verify_assertion(p_kid text, p_assertion text, p_signature text) RETURNS jsonb
  LANGUAGE plpgsql STABLE
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
  -- Short-lived: a captured assertion is worth two minutes at most (a minute of clock skew ahead).
  v_age := extract(epoch FROM now()) - (v_claims ->> 'iat')::numeric;
  IF v_age IS NULL OR v_age > 120 OR v_age < -60 THEN
    RAISE EXCEPTION 'request assertion is stale or from the future (age % s)', round(v_age) USING ERRCODE = 'DTKEY';
  END IF;
  RETURN v_claims;
END
$$;
--> statement-breakpoint
ALTER FUNCTION app.verify_assertion(text, text, text) OWNER TO app_auth;
--> statement-breakpoint
REVOKE ALL ON FUNCTION app.verify_assertion(text, text, text) FROM PUBLIC;
--> statement-breakpoint
DROP FUNCTION app.begin_request(uuid, text, text, text, text, text, text, boolean, text);
--> statement-breakpoint
-- The first statement of every batch the Worker sends. The assertion (JSON, signed by the Worker)
-- carries what the earlier version took as arguments:
--   kind: 'request' (an API call) or 'worker' (the queue consumer's own work),
--   tenant_id, subject, email, name, key_hash, role (required), scope, read_only, request_id, iat.
-- For a request it authenticates the caller (a user by JWT subject, or an API key by its SHA-256),
-- checks the tenant membership and role (and the key's scope), keeps the users row current, stamps
-- the key's last use, and seals the identity that the RLS policies read. Errors (class DT): DT401
-- bad credentials, DT403 role or scope too low, DT404 no such tenant for this caller (unknown and
-- foreign tenants are indistinguishable on purpose), DTKEY a bad or stale assertion.
-- It returns the tenant's plan too, which the Worker's rate limiter needs.
CREATE FUNCTION app.begin_request(p_kid text, p_assertion text, p_signature text)
  RETURNS TABLE (tenant_id uuid, user_id uuid, api_key_id uuid, role text, plan text)
  LANGUAGE plpgsql
  SECURITY DEFINER
  SET search_path = pg_catalog, pg_temp
  AS $$
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
BEGIN
  IF c ->> 'kind' = 'worker' THEN
    PERFORM app.seal_identity(NULL, NULL, NULL, NULL, 'system', NULL, v_request_id);
    RETURN QUERY SELECT NULL::uuid, NULL::uuid, NULL::uuid, NULL::text, NULL::text;
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
    SELECT t.plan INTO v_plan FROM public.tenants t WHERE t.id = v_tenant_id;
  END IF;
  PERFORM app.seal_identity(v_tenant_id, v_user_id, v_key_id, v_role,
    CASE WHEN v_key_id IS NOT NULL THEN 'api_key' ELSE 'user' END, coalesce(v_key_id, v_user_id), v_request_id);
  IF (c ->> 'read_only')::boolean THEN
    -- Going from read-write to read-only is allowed mid-transaction; the reverse is not.
    PERFORM set_config('transaction_read_only', 'on', true);
  END IF;

  RETURN QUERY SELECT v_tenant_id, v_user_id, v_key_id, v_role, v_plan;
END
$$;
--> statement-breakpoint
ALTER FUNCTION app.begin_request(text, text, text) OWNER TO app_auth;
--> statement-breakpoint
REVOKE ALL ON FUNCTION app.begin_request(text, text, text) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION app.begin_request(text, text, text) TO app_api;
--> statement-breakpoint
GRANT SELECT (plan) ON tenants TO app_auth;
--> statement-breakpoint
-- The scrape-job functions now need the Worker's own verified identity (kind 'worker'): a session
-- of app_api without it can neither claim, resume (and so enter a tenant) nor fail a job.
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
  RETURNING j.id, j.tenant_id, j.company_id, j.url, j.attempts;
END
$$;
--> statement-breakpoint
-- Moves the consumer's verified worker identity into the job's tenant for the rest of the batch
-- (which then runs under row-level security). A lost lease raises DT409 and the batch writes nothing.
CREATE OR REPLACE FUNCTION app.resume_scrape_job(p_job_id uuid, p_lease_id uuid, p_request_id text)
  RETURNS void
  LANGUAGE plpgsql
  SECURITY DEFINER
  SET search_path = pg_catalog, pg_temp
  AS $$
DECLARE
  v_tenant_id uuid;
BEGIN
  IF NOT app.is_worker() OR app.tenant_id() IS NOT NULL THEN
    RAISE EXCEPTION 'only the Worker''s queue consumer may resume scrape jobs' USING ERRCODE = 'DT403';
  END IF;
  SELECT j.tenant_id INTO v_tenant_id
    FROM public.scrape_jobs j
   WHERE j.id = p_job_id AND j.status = 'running' AND j.lease_id = p_lease_id
     FOR UPDATE;
  IF v_tenant_id IS NULL THEN
    RAISE EXCEPTION 'scrape job % is no longer held by this consumer', p_job_id USING ERRCODE = 'DT409';
  END IF;
  PERFORM app.seal_identity(v_tenant_id, NULL, NULL, NULL, 'system', NULL, coalesce(p_request_id, app.request_id()));
END
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION app.fail_dead_scrape_job(p_job_id uuid, p_detail text)
  RETURNS boolean
  LANGUAGE plpgsql
  SECURITY DEFINER
  SET search_path = pg_catalog, pg_temp
  AS $$
BEGIN
  IF NOT app.is_worker() THEN
    RAISE EXCEPTION 'only the Worker''s queue consumer may fail scrape jobs' USING ERRCODE = 'DT403';
  END IF;
  UPDATE public.scrape_jobs
     SET status = 'failed', failure_reason = 'retries_exhausted', failure_detail = p_detail,
         finished_at = now(), lease_id = NULL, lease_expires_at = NULL
   WHERE id = p_job_id AND status IN ('queued', 'running');
  RETURN FOUND;
END
$$;
