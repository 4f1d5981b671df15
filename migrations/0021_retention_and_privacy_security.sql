ALTER TABLE retention_policies FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE maintenance_runs FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE maintenance_run_counts FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE maintenance_leases FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE erasure_receipts FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE suppressed_subjects FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE ON retention_policies TO app_api;
--> statement-breakpoint
GRANT SELECT ON maintenance_runs, maintenance_run_counts TO app_api;
--> statement-breakpoint
GRANT SELECT, INSERT ON erasure_receipts, suppressed_subjects TO app_api;
--> statement-breakpoint
GRANT SELECT ON retention_policies TO app_maintenance;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE ON maintenance_runs, maintenance_run_counts TO app_maintenance;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON maintenance_leases TO app_maintenance;
--> statement-breakpoint
-- The purge of expired idempotency records finds them first.
GRANT SELECT ON idempotency_keys TO app_maintenance;
--> statement-breakpoint
CREATE POLICY idempotency_keys_maintenance_select ON idempotency_keys FOR SELECT TO app_maintenance USING (true);
--> statement-breakpoint
-- The maintenance cron revokes API keys past their expiry.
GRANT SELECT, UPDATE (revoked_at) ON api_keys TO app_maintenance;
--> statement-breakpoint
CREATE POLICY api_keys_maintenance_select ON api_keys FOR SELECT TO app_maintenance USING (true);
--> statement-breakpoint
CREATE POLICY api_keys_maintenance_update ON api_keys FOR UPDATE TO app_maintenance USING (true) WITH CHECK (true);
--> statement-breakpoint
-- A changed retention policy is a tenant's write: audited.
CREATE TRIGGER retention_policies_audit AFTER INSERT OR UPDATE ON retention_policies
  FOR EACH ROW EXECUTE FUNCTION app.audit_row_change('retention_policy');
--> statement-breakpoint
CREATE TRIGGER retention_policies_touch_updated_at BEFORE UPDATE ON retention_policies
  FOR EACH ROW EXECUTE FUNCTION app.touch_updated_at();
--> statement-breakpoint
-- How a data subject is remembered without being named: salted per tenant, normalised.
CREATE FUNCTION app.subject_hash(p_tenant_id uuid, p_kind text, p_value text) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  SET search_path = pg_catalog, pg_temp
  AS $$
  SELECT CASE WHEN p_value IS NULL OR p_tenant_id IS NULL THEN NULL
    ELSE encode(sha256(convert_to(p_tenant_id::text || ':' || p_kind || ':' || lower(btrim(p_value)), 'UTF8')), 'hex')
  END
$$;
--> statement-breakpoint
-- An erased person is not collected again: adding them by hand is refused (DT422), and a
-- Companies House import skips them silently (the rest of the import goes ahead).
CREATE FUNCTION app.refuse_suppressed_contact() RETURNS trigger
  LANGUAGE plpgsql
  SET search_path = pg_catalog, pg_temp
  AS $$
BEGIN
  IF NOT EXISTS (
    SELECT 1 FROM public.suppressed_subjects s
     WHERE s.tenant_id = NEW.tenant_id
       AND s.subject_hash IN (app.subject_hash(NEW.tenant_id, 'email', NEW.email),
                              app.subject_hash(NEW.tenant_id, 'ref', NEW.source_ref))
  ) THEN
    RETURN NEW;
  END IF;
  IF NEW.source = 'companies_house' THEN
    RETURN NULL;
  END IF;
  RAISE EXCEPTION 'this person has been erased at their request and may not be added again'
    USING ERRCODE = 'DT422', DETAIL = 'the address is on the tenant''s suppression list';
END
$$;
--> statement-breakpoint
CREATE TRIGGER contacts_refuse_suppressed BEFORE INSERT OR UPDATE OF email, source_ref ON contacts
  FOR EACH ROW EXECUTE FUNCTION app.refuse_suppressed_contact();
