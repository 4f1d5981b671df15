-- Issue 17 (bulk import): imports and their rows are a tenant's data, kept apart by row-level
-- security like the others; the queue consumer reaches them through claim/resume functions.
ALTER TABLE imports FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE import_rows FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE ON imports, import_rows TO app_api;
--> statement-breakpoint
-- The maintenance cron sends imports whose message was lost (update) and purges offboarded tenants.
GRANT SELECT, UPDATE (status, lease_id, lease_expires_at, paused_reason, resume_at), DELETE ON imports TO app_maintenance;
--> statement-breakpoint
GRANT SELECT, DELETE ON import_rows TO app_maintenance;
--> statement-breakpoint
-- The consumer's claim runs as app_auth: the message names an import, not a tenant.
GRANT SELECT, UPDATE (status, lease_id, lease_expires_at, paused_reason, resume_at) ON imports TO app_auth;
--> statement-breakpoint
CREATE POLICY imports_auth_select ON imports FOR SELECT TO app_auth USING (true);
--> statement-breakpoint
CREATE POLICY imports_auth_update ON imports FOR UPDATE TO app_auth USING (true) WITH CHECK (true);
--> statement-breakpoint
CREATE TRIGGER imports_touch_updated_at BEFORE UPDATE ON imports
  FOR EACH ROW EXECUTE FUNCTION app.touch_updated_at();
--> statement-breakpoint
-- Creating an import is a tenant's write: audited like the others (its rows' companies are audited themselves).
CREATE TRIGGER imports_audit AFTER INSERT ON imports
  FOR EACH ROW EXECUTE FUNCTION app.audit_row_change('import');
--> statement-breakpoint
-- Takes an import for one consumer: a queued one, a paused one whose pause is over (a few seconds'
-- slack for a delayed message that comes early), or a running one whose lease ran out (its
-- consumer died); then the rest of the batch runs inside the import's tenant. Anything else
-- returns no row and leaves the transaction without a tenant: a duplicate delivery does nothing.
CREATE FUNCTION app.claim_import(p_import_id uuid, p_lease_id uuid, p_lease_seconds integer, p_request_id text)
  RETURNS TABLE (id uuid, tenant_id uuid)
  LANGUAGE plpgsql
  SECURITY DEFINER
  SET search_path = pg_catalog, pg_temp
  AS $$
DECLARE
  v_id uuid;
  v_tenant_id uuid;
BEGIN
  IF NOT app.is_worker() THEN
    RAISE EXCEPTION 'only the Worker''s queue consumer may claim imports' USING ERRCODE = 'DT403';
  END IF;
  UPDATE public.imports i
     SET status = 'running', lease_id = p_lease_id, lease_expires_at = now() + make_interval(secs => p_lease_seconds),
         paused_reason = NULL, resume_at = NULL
   WHERE i.id = p_import_id
     AND (i.status = 'queued'
          OR (i.status = 'paused' AND coalesce(i.resume_at, now()) <= now() + interval '5 seconds')
          OR (i.status = 'running' AND i.lease_expires_at < now()))
     AND EXISTS (SELECT 1 FROM public.tenants t
                  WHERE t.id = i.tenant_id AND t.deleted_at IS NULL AND t.purge_started_at IS NULL)
     AND NOT app.tenant_is_suspended(i.tenant_id)
  RETURNING i.id, i.tenant_id INTO v_id, v_tenant_id;
  IF v_id IS NULL THEN
    RETURN;
  END IF;
  PERFORM app.seal_identity(v_tenant_id, NULL, NULL, NULL, 'system', NULL, coalesce(p_request_id, app.request_id()));
  RETURN QUERY SELECT v_id, v_tenant_id;
END
$$;
--> statement-breakpoint
ALTER FUNCTION app.claim_import(uuid, uuid, integer, text) OWNER TO app_auth;
--> statement-breakpoint
REVOKE ALL ON FUNCTION app.claim_import(uuid, uuid, integer, text) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION app.claim_import(uuid, uuid, integer, text) TO app_api;
--> statement-breakpoint
-- Opens a transaction for the consumer holding the import's lease, inside the import's tenant.
-- A lost lease (the import was taken over, or finished) raises DT409 and the batch writes nothing.
CREATE FUNCTION app.resume_import(p_import_id uuid, p_lease_id uuid, p_request_id text)
  RETURNS void
  LANGUAGE plpgsql
  SECURITY DEFINER
  SET search_path = pg_catalog, pg_temp
  AS $$
DECLARE
  v_tenant_id uuid;
BEGIN
  IF NOT app.is_worker() THEN
    RAISE EXCEPTION 'only the Worker''s queue consumer may resume imports' USING ERRCODE = 'DT403';
  END IF;
  SELECT i.tenant_id INTO v_tenant_id
    FROM public.imports i
    JOIN public.tenants t ON t.id = i.tenant_id AND t.deleted_at IS NULL
   WHERE i.id = p_import_id AND i.status = 'running' AND i.lease_id = p_lease_id
     FOR UPDATE OF i;
  IF v_tenant_id IS NULL THEN
    RAISE EXCEPTION 'import % is no longer held by this consumer', p_import_id USING ERRCODE = 'DT409';
  END IF;
  PERFORM app.seal_identity(v_tenant_id, NULL, NULL, NULL, 'system', NULL, coalesce(p_request_id, app.request_id()));
END
$$;
--> statement-breakpoint
ALTER FUNCTION app.resume_import(uuid, uuid, text) OWNER TO app_auth;
--> statement-breakpoint
REVOKE ALL ON FUNCTION app.resume_import(uuid, uuid, text) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION app.resume_import(uuid, uuid, text) TO app_api;
