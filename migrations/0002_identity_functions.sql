-- Forced RLS, grants, the updated_at trigger and app.begin_request: the parts of the identity
-- model drizzle-kit cannot express.

-- FORCE makes the policies bind the table owner too; only superusers and BYPASSRLS roles escape.
ALTER TABLE tenants FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE users FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE memberships FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE audit_log FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
GRANT SELECT, UPDATE (slug, name, deleted_at) ON tenants TO app_api;
--> statement-breakpoint
GRANT SELECT, UPDATE (email, name) ON users TO app_api;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE (role), DELETE ON memberships TO app_api;
--> statement-breakpoint
-- Append-only for the API: no UPDATE or DELETE grant exists.
GRANT SELECT, INSERT ON audit_log TO app_api;
--> statement-breakpoint
GRANT SELECT ON tenants TO app_maintenance;
--> statement-breakpoint
GRANT SELECT, DELETE ON audit_log TO app_maintenance;
--> statement-breakpoint
GRANT SELECT ON tenants, users, memberships TO app_auth;
--> statement-breakpoint
-- /ready compares the applied migrations with the ones the Worker was built with.
GRANT USAGE ON SCHEMA drizzle TO app_api;
--> statement-breakpoint
GRANT SELECT ON drizzle.__drizzle_migrations TO app_api;
--> statement-breakpoint
CREATE FUNCTION app.touch_updated_at() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
BEGIN
  NEW.updated_at := now();
  RETURN NEW;
END
$$;
--> statement-breakpoint
CREATE TRIGGER tenants_touch_updated_at BEFORE UPDATE ON tenants
  FOR EACH ROW EXECUTE FUNCTION app.touch_updated_at();
--> statement-breakpoint
CREATE TRIGGER users_touch_updated_at BEFORE UPDATE ON users
  FOR EACH ROW EXECUTE FUNCTION app.touch_updated_at();
--> statement-breakpoint
CREATE TRIGGER memberships_touch_updated_at BEFORE UPDATE ON memberships
  FOR EACH ROW EXECUTE FUNCTION app.touch_updated_at();
--> statement-breakpoint
-- The first statement of every tenant-scoped batch. It proves the caller may act for the tenant
-- with at least p_required_role and sets the transaction-local identity the policies read.
-- Errors (SQLSTATE class DT) are mapped by the API: DT404 → 404 (an unknown tenant and a tenant
-- the caller does not belong to are indistinguishable on purpose), DT403 → 403.
CREATE FUNCTION app.begin_request(
  p_tenant_id uuid,
  p_subject text,
  p_required_role text,
  p_request_id text
) RETURNS TABLE (tenant_id uuid, user_id uuid, role text)
  LANGUAGE plpgsql
  SECURITY DEFINER
  SET search_path = pg_catalog, pg_temp
  AS $$
DECLARE
  v_user_id uuid;
  v_role text;
BEGIN
  IF app.role_rank(p_required_role) = 0 THEN
    RAISE EXCEPTION 'unknown role "%"', p_required_role USING ERRCODE = '22023';
  END IF;

  SELECT u.id, m.role INTO v_user_id, v_role
    FROM public.users u
    JOIN public.memberships m ON m.user_id = u.id
    JOIN public.tenants t ON t.id = m.tenant_id
   WHERE u.subject = p_subject
     AND u.deleted_at IS NULL
     AND m.tenant_id = p_tenant_id
     AND t.deleted_at IS NULL;

  IF v_role IS NULL THEN
    RAISE EXCEPTION 'tenant not found' USING ERRCODE = 'DT404';
  END IF;
  IF app.role_rank(v_role) < app.role_rank(p_required_role) THEN
    RAISE EXCEPTION 'this action needs the % role', p_required_role
      USING ERRCODE = 'DT403', DETAIL = format('current role: %s', v_role);
  END IF;

  PERFORM set_config('app.tenant_id', p_tenant_id::text, true),
          set_config('app.user_id', v_user_id::text, true),
          set_config('app.role', v_role, true),
          set_config('app.actor_type', 'user', true),
          set_config('app.actor_id', v_user_id::text, true),
          set_config('app.request_id', coalesce(p_request_id, ''), true);

  RETURN QUERY SELECT p_tenant_id, v_user_id, v_role;
END
$$;
--> statement-breakpoint
ALTER FUNCTION app.begin_request(uuid, text, text, text) OWNER TO app_auth;
--> statement-breakpoint
REVOKE ALL ON FUNCTION app.begin_request(uuid, text, text, text) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION app.begin_request(uuid, text, text, text) TO app_api;
