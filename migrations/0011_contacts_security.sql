ALTER TABLE contacts FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON contacts TO app_api;
--> statement-breakpoint
GRANT SELECT, DELETE ON contacts TO app_maintenance;
--> statement-breakpoint
-- A contact must belong to a company of the same tenant (the foreign key alone does not say so).
CREATE FUNCTION app.check_contact_company() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM public.companies c WHERE c.id = NEW.company_id AND c.tenant_id = NEW.tenant_id) THEN
    RAISE EXCEPTION 'company % not found in this tenant', NEW.company_id USING ERRCODE = '23503';
  END IF;
  RETURN NEW;
END
$$;
--> statement-breakpoint
CREATE TRIGGER contacts_check_company BEFORE INSERT OR UPDATE OF company_id, tenant_id ON contacts
  FOR EACH ROW EXECUTE FUNCTION app.check_contact_company();
--> statement-breakpoint
CREATE TRIGGER contacts_bump_version BEFORE UPDATE ON contacts
  FOR EACH ROW EXECUTE FUNCTION app.bump_version();
--> statement-breakpoint
-- Personal data: the audit log keeps which fields changed, never their values.
CREATE TRIGGER contacts_audit AFTER INSERT OR UPDATE OR DELETE ON contacts
  FOR EACH ROW EXECUTE FUNCTION app.audit_row_change('contact', 'names_only');
