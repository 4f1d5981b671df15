-- Tenant offboarding: a deleted tenant can be restored by its owner within its restore window
-- (deleted_records_days); after it, the retention cron purges the tenant batch by batch
-- (src/cron/tenant-purge.ts). Hand-written: grants, the audit guard, the restore function.

ALTER TABLE tenant_purge_receipts FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
-- The purge marks a tenant (purge_started_at), deletes its rows table by table, then the tenant.
-- The delete policies on memberships, api_keys, erasure_receipts, suppressed_subjects,
-- retention_policies and tenants only reach tenants so marked (migration 0025).
GRANT UPDATE (purge_started_at), DELETE ON tenants TO app_maintenance;
--> statement-breakpoint
GRANT SELECT, DELETE ON memberships, suppressed_subjects, erasure_receipts TO app_maintenance;
--> statement-breakpoint
GRANT DELETE ON api_keys, retention_policies, maintenance_run_counts TO app_maintenance;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE ON tenant_purge_receipts TO app_maintenance;
--> statement-breakpoint
-- app.restore_tenant (owned by app_auth) undeletes a tenant (policy tenants_auth_restore) and
-- reads its restore window.
GRANT UPDATE (deleted_at) ON tenants TO app_auth;
--> statement-breakpoint
GRANT SELECT ON retention_policies TO app_auth;
--> statement-breakpoint
-- The audit triggers would record the deletions of a tenant's own rows: a tenant being purged
-- keeps no new audit rows (they would only be purged again), and rows about a tenant deleted in
-- the same statement (the cascade of an operator's DELETE FROM tenants, or the purge's last step)
-- cannot be kept at all: the foreign key would refuse them and the whole delete with them. An
-- insert written directly (not by another trigger) for an unknown tenant still fails as before.
CREATE FUNCTION app.skip_audit_of_purged_tenant() RETURNS trigger
  LANGUAGE plpgsql
  SECURITY DEFINER
  SET search_path = pg_catalog, pg_temp
  AS $$
DECLARE
  v_purge_started_at timestamptz;
BEGIN
  SELECT t.purge_started_at INTO v_purge_started_at FROM public.tenants t WHERE t.id = NEW.tenant_id;
  IF FOUND THEN
    RETURN CASE WHEN v_purge_started_at IS NULL THEN NEW END;
  END IF;
  RETURN CASE WHEN pg_trigger_depth() > 1 THEN NULL ELSE NEW END;
END
$$;
--> statement-breakpoint
ALTER FUNCTION app.skip_audit_of_purged_tenant() OWNER TO app_auth;
--> statement-breakpoint
REVOKE ALL ON FUNCTION app.skip_audit_of_purged_tenant() FROM PUBLIC;
--> statement-breakpoint
CREATE TRIGGER audit_log_skip_purged_tenant BEFORE INSERT ON audit_log
  FOR EACH ROW EXECUTE FUNCTION app.skip_audit_of_purged_tenant();
--> statement-breakpoint
-- POST /v1/tenants/{id}/restore, after a tenantless begin_request: an owner of a deleted tenant
-- undoes the deletion while its restore window lasts (the tenant's deleted_records_days, else the
-- default of src/privacy/retention.ts: 30) and its purge has not begun. The update comes first,
-- with every condition in its WHERE, so a purge that starts at the same moment either waits for
-- it or makes it find nothing; only then is the refusal explained. Audited by the tenants
-- trigger (tenant.restored). Errors: DT404 no such tenant for this caller (unknown and foreign
-- are indistinguishable), DT403 not an owner, DT409 not deleted, DT410 window over.
CREATE FUNCTION app.restore_tenant(p_tenant_id uuid) RETURNS SETOF public.tenants
  LANGUAGE plpgsql
  SECURITY DEFINER
  SET search_path = pg_catalog, pg_temp
  AS $$
DECLARE
  v_user_id uuid := app.user_id();
  v_role text;
  v_deleted_at timestamptz;
  v_window_days integer;
BEGIN
  IF v_user_id IS NULL OR app.tenant_id() IS NOT NULL THEN
    RAISE EXCEPTION 'restoring a tenant needs a signed-in user' USING ERRCODE = 'DT403';
  END IF;
  UPDATE public.tenants t SET deleted_at = NULL
   WHERE t.id = p_tenant_id
     AND t.deleted_at IS NOT NULL
     AND t.purge_started_at IS NULL
     AND t.deleted_at > now() - make_interval(days => coalesce(
           (SELECT p.deleted_records_days FROM public.retention_policies p WHERE p.tenant_id = t.id), 30))
     AND EXISTS (SELECT 1 FROM public.memberships m
                  WHERE m.tenant_id = t.id AND m.user_id = v_user_id AND m.role = 'owner');
  IF FOUND THEN
    RETURN QUERY SELECT * FROM public.tenants WHERE id = p_tenant_id;
    RETURN;
  END IF;

  SELECT m.role, t.deleted_at INTO v_role, v_deleted_at
    FROM public.tenants t JOIN public.memberships m ON m.tenant_id = t.id AND m.user_id = v_user_id
   WHERE t.id = p_tenant_id;
  IF v_role IS NULL THEN
    RAISE EXCEPTION 'tenant not found' USING ERRCODE = 'DT404';
  END IF;
  IF v_role <> 'owner' THEN
    RAISE EXCEPTION 'only an owner can restore a deleted tenant'
      USING ERRCODE = 'DT403', DETAIL = format('current role: %s', v_role);
  END IF;
  IF v_deleted_at IS NULL THEN
    RAISE EXCEPTION 'the tenant is not deleted' USING ERRCODE = 'DT409';
  END IF;
  SELECT coalesce(p.deleted_records_days, 30) INTO v_window_days
    FROM (SELECT 1) one LEFT JOIN public.retention_policies p ON p.tenant_id = p_tenant_id;
  RAISE EXCEPTION 'the tenant was deleted more than % days ago; its restore window has ended and its data is being purged', v_window_days
    USING ERRCODE = 'DT410';
END
$$;
--> statement-breakpoint
ALTER FUNCTION app.restore_tenant(uuid) OWNER TO app_auth;
--> statement-breakpoint
REVOKE ALL ON FUNCTION app.restore_tenant(uuid) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION app.restore_tenant(uuid) TO app_api;
