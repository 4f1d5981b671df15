-- Identity, part 2: users and API keys in begin_request, tenant creation, the audit trigger and
-- the membership guard. Hand-written (functions, triggers, grants).

ALTER TABLE api_keys FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE (name, revoked_at) ON api_keys TO app_api;
--> statement-breakpoint
GRANT SELECT, UPDATE (last_used_at) ON api_keys TO app_auth;
--> statement-breakpoint
GRANT INSERT ON tenants, memberships, users, audit_log TO app_auth;
--> statement-breakpoint
GRANT UPDATE (email, name) ON users TO app_auth;
--> statement-breakpoint
CREATE FUNCTION app.api_key_id() RETURNS uuid
  LANGUAGE sql STABLE PARALLEL SAFE
  AS $$ SELECT nullif(current_setting('app.api_key_id', true), '')::uuid $$;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION app.api_key_id() TO app_api, app_maintenance, app_auth;
--> statement-breakpoint
DROP FUNCTION app.begin_request(uuid, text, text, text);
--> statement-breakpoint
-- The first statement of every batch the API sends. It authenticates the caller inside Postgres
-- (a user by JWT subject, or an API key by its SHA-256), checks the tenant membership and role
-- (and the key's scope), keeps the users row current with the token's email/name claims, stamps
-- the key's last use, then sets the transaction-local identity that the RLS policies read.
-- With p_read_only the rest of the transaction is read-only: GET requests cannot write.
-- Errors (class DT): DT401 bad credentials, DT403 role or scope too low, DT404 no such tenant for
-- this caller (unknown and foreign tenants are indistinguishable on purpose).
CREATE FUNCTION app.begin_request(
  p_tenant_id uuid,
  p_subject text,
  p_email text,
  p_name text,
  p_key_hash text,
  p_required_role text,
  p_scope text,
  p_read_only boolean,
  p_request_id text
) RETURNS TABLE (tenant_id uuid, user_id uuid, api_key_id uuid, role text)
  LANGUAGE plpgsql
  SECURITY DEFINER
  SET search_path = pg_catalog, pg_temp
  AS $$
DECLARE
  v_tenant_id uuid := p_tenant_id;
  v_user_id uuid;
  v_key_id uuid;
  v_role text;
  v_key_tenant uuid;
  v_scopes text[];
  v_last_used timestamptz;
  v_email text;
  v_name text;
  v_deleted timestamptz;
BEGIN
  IF p_required_role IS NOT NULL AND app.role_rank(p_required_role) = 0 THEN
    RAISE EXCEPTION 'unknown role "%"', p_required_role USING ERRCODE = '22023';
  END IF;

  IF p_key_hash IS NOT NULL THEN
    SELECT k.id, k.tenant_id, k.role, k.scopes, k.last_used_at
      INTO v_key_id, v_key_tenant, v_role, v_scopes, v_last_used
      FROM public.api_keys k
      JOIN public.tenants t ON t.id = k.tenant_id
     WHERE k.key_hash = p_key_hash
       AND k.revoked_at IS NULL
       AND (k.expires_at IS NULL OR k.expires_at > now())
       AND t.deleted_at IS NULL;
    IF v_key_id IS NULL THEN
      RAISE EXCEPTION 'invalid API key' USING ERRCODE = 'DT401';
    END IF;
    IF p_required_role IS NULL THEN
      RAISE EXCEPTION 'this action needs a signed-in user, not an API key' USING ERRCODE = 'DT403';
    END IF;
    IF v_tenant_id IS NOT NULL AND v_tenant_id <> v_key_tenant THEN
      RAISE EXCEPTION 'tenant not found' USING ERRCODE = 'DT404';
    END IF;
    v_tenant_id := v_key_tenant;
    IF p_scope IS NOT NULL AND NOT (v_scopes && ARRAY[p_scope, '*', split_part(p_scope, ':', 1) || ':*']) THEN
      RAISE EXCEPTION 'this API key lacks the % scope', p_scope USING ERRCODE = 'DT403';
    END IF;
    -- At most one write a minute per key: concurrent requests with one key never queue on its row.
    IF v_last_used IS NULL OR v_last_used < now() - interval '1 minute' THEN
      UPDATE public.api_keys SET last_used_at = now()
       WHERE id = v_key_id AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute');
    END IF;
    PERFORM set_config('app.actor_type', 'api_key', true),
            set_config('app.actor_id', v_key_id::text, true),
            set_config('app.api_key_id', v_key_id::text, true);
  ELSE
    IF p_subject IS NULL OR p_subject = '' THEN
      RAISE EXCEPTION 'no subject' USING ERRCODE = 'DT401';
    END IF;
    SELECT u.id, u.email, u.name, u.deleted_at INTO v_user_id, v_email, v_name, v_deleted
      FROM public.users u WHERE u.subject = p_subject;
    IF v_user_id IS NULL THEN
      INSERT INTO public.users (subject, email, name) VALUES (p_subject, p_email, p_name)
        ON CONFLICT (subject) DO NOTHING
        RETURNING id INTO v_user_id;
      IF v_user_id IS NULL THEN -- created by a concurrent first request
        SELECT u.id, u.deleted_at INTO v_user_id, v_deleted FROM public.users u WHERE u.subject = p_subject;
      END IF;
    ELSIF (p_email IS NOT NULL AND p_email IS DISTINCT FROM v_email)
       OR (p_name IS NOT NULL AND p_name IS DISTINCT FROM v_name) THEN
      UPDATE public.users SET email = coalesce(p_email, email), name = coalesce(p_name, name) WHERE id = v_user_id;
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
    ELSIF p_required_role IS NOT NULL THEN
      RAISE EXCEPTION 'a tenant is required' USING ERRCODE = '22023';
    END IF;
    PERFORM set_config('app.actor_type', 'user', true),
            set_config('app.actor_id', v_user_id::text, true),
            set_config('app.user_id', v_user_id::text, true);
  END IF;

  IF p_required_role IS NOT NULL AND app.role_rank(v_role) < app.role_rank(p_required_role) THEN
    RAISE EXCEPTION 'this action needs the % role', p_required_role
      USING ERRCODE = 'DT403', DETAIL = format('current role: %s', v_role);
  END IF;

  PERFORM set_config('app.tenant_id', coalesce(v_tenant_id::text, ''), true),
          set_config('app.role', coalesce(v_role, ''), true),
          set_config('app.request_id', coalesce(p_request_id, ''), true);
  IF p_read_only THEN
    -- Going from read-write to read-only is allowed mid-transaction; the reverse is not.
    PERFORM set_config('transaction_read_only', 'on', true);
  END IF;

  RETURN QUERY SELECT v_tenant_id, v_user_id, v_key_id, v_role;
END
$$;
--> statement-breakpoint
ALTER FUNCTION app.begin_request(uuid, text, text, text, text, text, text, boolean, text) OWNER TO app_auth;
--> statement-breakpoint
REVOKE ALL ON FUNCTION app.begin_request(uuid, text, text, text, text, text, text, boolean, text) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION app.begin_request(uuid, text, text, text, text, text, text, boolean, text) TO app_api;
--> statement-breakpoint
-- Creates a tenant with the calling user as its owner (POST /v1/tenants, after a tenantless
-- begin_request). Runs as app_auth: app_api may not insert tenants on its own.
CREATE FUNCTION app.create_tenant(p_slug text, p_name text) RETURNS SETOF public.tenants
  LANGUAGE plpgsql
  SECURITY DEFINER
  SET search_path = pg_catalog, pg_temp
  AS $$
DECLARE
  v_user_id uuid := app.user_id();
  v_tenant_id uuid := gen_random_uuid();
BEGIN
  IF v_user_id IS NULL OR app.tenant_id() IS NOT NULL THEN
    RAISE EXCEPTION 'creating a tenant needs a signed-in user' USING ERRCODE = 'DT403';
  END IF;
  INSERT INTO public.tenants (id, slug, name) VALUES (v_tenant_id, p_slug, p_name);
  INSERT INTO public.memberships (tenant_id, user_id, role) VALUES (v_tenant_id, v_user_id, 'owner');
  RETURN QUERY SELECT * FROM public.tenants WHERE id = v_tenant_id;
END
$$;
--> statement-breakpoint
ALTER FUNCTION app.create_tenant(text, text) OWNER TO app_auth;
--> statement-breakpoint
REVOKE ALL ON FUNCTION app.create_tenant(text, text) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION app.create_tenant(text, text) TO app_api;
--> statement-breakpoint
-- Every write to an audited table leaves an audit row in the same transaction, whatever the
-- application code forgets. TG_ARGV[0] is the target type; TG_ARGV[1] = 'names_only' keeps
-- column names but no values (tables holding personal data). Secrets are never copied.
CREATE FUNCTION app.audit_row_change() RETURNS trigger
  LANGUAGE plpgsql
  SECURITY DEFINER
  SET search_path = pg_catalog, pg_temp
  AS $$
DECLARE
  v_old jsonb := CASE WHEN TG_OP <> 'INSERT' THEN to_jsonb(OLD) - 'key_hash' END;
  v_new jsonb := CASE WHEN TG_OP <> 'DELETE' THEN to_jsonb(NEW) - 'key_hash' END;
  v_row jsonb := coalesce(v_new, v_old);
  v_target_type text := TG_ARGV[0];
  v_names_only boolean := coalesce(TG_ARGV[1], '') = 'names_only';
  v_changed text[];
  v_action text;
  v_metadata jsonb;
BEGIN
  IF TG_OP = 'UPDATE' THEN
    SELECT array_agg(n.key ORDER BY n.key) INTO v_changed
      FROM jsonb_each(v_new) n
     WHERE n.value IS DISTINCT FROM v_old -> n.key
       AND n.key NOT IN ('updated_at', 'last_used_at');
    IF v_changed IS NULL THEN
      RETURN NULL; -- bookkeeping only
    END IF;
  END IF;

  v_action := v_target_type || '.' || CASE
    WHEN TG_OP = 'INSERT' THEN 'created'
    WHEN TG_OP = 'DELETE' THEN 'deleted'
    WHEN v_changed = ARRAY['deleted_at'] AND v_new ->> 'deleted_at' IS NOT NULL THEN 'deleted'
    WHEN v_changed = ARRAY['deleted_at'] THEN 'restored'
    WHEN v_changed = ARRAY['revoked_at'] THEN 'revoked'
    ELSE 'updated'
  END;
  v_metadata := CASE
    WHEN v_names_only THEN jsonb_build_object('changed', to_jsonb(coalesce(v_changed, ARRAY[]::text[])))
    WHEN TG_OP = 'INSERT' THEN jsonb_build_object('new', v_new)
    WHEN TG_OP = 'DELETE' THEN jsonb_build_object('old', v_old)
    ELSE jsonb_build_object(
      'changed', to_jsonb(v_changed),
      'old', (SELECT jsonb_object_agg(k, v_old -> k) FROM unnest(v_changed) k),
      'new', (SELECT jsonb_object_agg(k, v_new -> k) FROM unnest(v_changed) k))
  END;

  INSERT INTO public.audit_log (tenant_id, actor_type, actor_id, action, target_type, target_id, request_id, metadata)
  VALUES (
    CASE WHEN TG_TABLE_NAME = 'tenants' THEN (v_row ->> 'id')::uuid ELSE (v_row ->> 'tenant_id')::uuid END,
    app.actor_type(),
    app.actor_id(),
    v_action,
    v_target_type,
    CASE WHEN TG_TABLE_NAME = 'memberships' THEN v_row ->> 'user_id' ELSE v_row ->> 'id' END,
    app.request_id(),
    v_metadata
  );
  RETURN NULL;
END
$$;
--> statement-breakpoint
ALTER FUNCTION app.audit_row_change() OWNER TO app_auth;
--> statement-breakpoint
CREATE TRIGGER tenants_audit AFTER INSERT OR UPDATE ON tenants
  FOR EACH ROW EXECUTE FUNCTION app.audit_row_change('tenant');
--> statement-breakpoint
CREATE TRIGGER memberships_audit AFTER INSERT OR UPDATE OR DELETE ON memberships
  FOR EACH ROW EXECUTE FUNCTION app.audit_row_change('membership');
--> statement-breakpoint
CREATE TRIGGER api_keys_audit AFTER INSERT OR UPDATE ON api_keys
  FOR EACH ROW EXECUTE FUNCTION app.audit_row_change('api_key');
--> statement-breakpoint
-- Owners are special: only an owner may grant, change or remove the owner role (the first
-- member of a new tenant excepted), and a tenant never loses its last owner. A per-tenant
-- advisory lock serialises membership changes, so two owners demoting each other at once
-- cannot both succeed.
CREATE FUNCTION app.guard_membership_change() RETURNS trigger
  LANGUAGE plpgsql
  SECURITY DEFINER
  SET search_path = pg_catalog, pg_temp
  AS $$
DECLARE
  v_tenant_id uuid := CASE WHEN TG_OP = 'DELETE' THEN OLD.tenant_id ELSE NEW.tenant_id END;
  v_touches_owner boolean :=
    (TG_OP <> 'INSERT' AND OLD.role = 'owner') OR (TG_OP <> 'DELETE' AND NEW.role = 'owner');
BEGIN
  IF NOT v_touches_owner THEN
    RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
  END IF;
  -- The tenant itself is being deleted (cascade): nothing to protect.
  IF NOT EXISTS (SELECT 1 FROM public.tenants t WHERE t.id = v_tenant_id) THEN
    RETURN OLD;
  END IF;
  PERFORM pg_advisory_xact_lock(hashtextextended('memberships:' || v_tenant_id::text, 0));

  -- API callers (an identity set by begin_request) need to be owners; operators working in SQL
  -- without an identity are not held to it (the last-owner rule below still binds them).
  IF app.actor_type() IN ('user', 'api_key')
     AND coalesce(app.role(), '') <> 'owner'
     AND NOT (TG_OP = 'INSERT' AND NOT EXISTS (SELECT 1 FROM public.memberships m WHERE m.tenant_id = v_tenant_id)) THEN
    RAISE EXCEPTION 'only an owner can grant, change or remove the owner role' USING ERRCODE = 'DT403';
  END IF;
  IF TG_OP <> 'INSERT' AND OLD.role = 'owner' AND (TG_OP = 'DELETE' OR NEW.role <> 'owner')
     AND NOT EXISTS (
       SELECT 1 FROM public.memberships m
        WHERE m.tenant_id = v_tenant_id AND m.role = 'owner' AND m.user_id <> OLD.user_id) THEN
    RAISE EXCEPTION 'the last owner of a tenant cannot be removed or demoted' USING ERRCODE = 'DT409';
  END IF;
  RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END
$$;
--> statement-breakpoint
ALTER FUNCTION app.guard_membership_change() OWNER TO app_auth;
--> statement-breakpoint
CREATE TRIGGER memberships_guard BEFORE INSERT OR UPDATE OR DELETE ON memberships
  FOR EACH ROW EXECUTE FUNCTION app.guard_membership_change();
