-- Identity-provider organisations (issue 15): what the table's policies (migration 0035) do not
-- say, the resolver, and the three lines begin_request gains to call it (marked "Issue 15").
ALTER TABLE tenant_identity_providers FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE (organization_id), DELETE ON tenant_identity_providers TO app_api;
--> statement-breakpoint
GRANT SELECT ON tenant_identity_providers TO app_auth;
--> statement-breakpoint
GRANT SELECT, DELETE ON tenant_identity_providers TO app_maintenance;
--> statement-breakpoint
CREATE TRIGGER tenant_identity_providers_touch_updated_at BEFORE UPDATE ON tenant_identity_providers
  FOR EACH ROW EXECUTE FUNCTION app.touch_updated_at();
--> statement-breakpoint
-- Linking an organisation grants its people a way in: audited.
CREATE TRIGGER tenant_identity_providers_audit AFTER INSERT OR UPDATE OR DELETE ON tenant_identity_providers
  FOR EACH ROW EXECUTE FUNCTION app.audit_row_change('identity_provider');
--> statement-breakpoint
-- The tenant a verified assertion's organisation (org_issuer, org_id) is linked to; DT404 when it
-- is linked to none, or to another tenant than the one the request also names. A user with a
-- verified email (the Worker sends only verified addresses) who is not yet a member becomes one,
-- with the role the Worker mapped from the token (org_role: admin, editor or viewer; else
-- viewer): just-in-time membership. Called by begin_request only: it trusts its argument, so
-- nobody else may execute it (it runs as begin_request's owner, app_auth).
CREATE FUNCTION app.external_tenant(c jsonb, p_tenant_id uuid, p_user_id uuid)
  RETURNS uuid
  LANGUAGE plpgsql
  SET search_path = pg_catalog, pg_temp
  AS $$
DECLARE
  v_tenant_id uuid;
BEGIN
  SELECT p.tenant_id INTO v_tenant_id
    FROM public.tenant_identity_providers p JOIN public.tenants t ON t.id = p.tenant_id
   WHERE p.issuer = c ->> 'org_issuer' AND p.organization_id = c ->> 'org_id' AND t.deleted_at IS NULL;
  IF v_tenant_id IS NULL OR (p_tenant_id IS NOT NULL AND p_tenant_id <> v_tenant_id) THEN
    RAISE EXCEPTION 'tenant not found' USING ERRCODE = 'DT404';
  END IF;
  IF c ->> 'email' IS NOT NULL AND p_user_id IS NOT NULL THEN
    INSERT INTO public.memberships (tenant_id, user_id, role)
    VALUES (v_tenant_id, p_user_id,
            CASE WHEN c ->> 'org_role' IN ('admin', 'editor', 'viewer') THEN c ->> 'org_role' ELSE 'viewer' END)
    ON CONFLICT (tenant_id, user_id) DO NOTHING;
  END IF;
  RETURN v_tenant_id;
END
$$;
--> statement-breakpoint
ALTER FUNCTION app.external_tenant(jsonb, uuid, uuid) OWNER TO app_auth;
--> statement-breakpoint
REVOKE ALL ON FUNCTION app.external_tenant(jsonb, uuid, uuid) FROM PUBLIC;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION app.begin_request(p_kid text, p_assertion text, p_signature text)
 RETURNS TABLE(tenant_id uuid, user_id uuid, api_key_id uuid, role text, plan text)
 LANGUAGE plpgsql
 SECURITY DEFINER
 SET search_path TO 'pg_catalog', 'pg_temp'
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
