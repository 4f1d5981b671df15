-- Workspaces (issue 15): what the tables' policies (migration 0033) do not say.
ALTER TABLE workspaces FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE workspace_members FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE workspace_companies FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE (name), DELETE ON workspaces TO app_api;
--> statement-breakpoint
GRANT SELECT, INSERT, DELETE ON workspace_members, workspace_companies TO app_api;
--> statement-breakpoint
GRANT UPDATE (workspace_scope) ON memberships TO app_api;
--> statement-breakpoint
GRANT SELECT, DELETE ON workspaces, workspace_members, workspace_companies TO app_maintenance;
--> statement-breakpoint
CREATE TRIGGER workspaces_touch_updated_at BEFORE UPDATE ON workspaces
  FOR EACH ROW EXECUTE FUNCTION app.touch_updated_at();
--> statement-breakpoint
-- Who may see what is a tenant's write like any other: audited.
CREATE TRIGGER workspaces_audit AFTER INSERT OR UPDATE OR DELETE ON workspaces
  FOR EACH ROW EXECUTE FUNCTION app.audit_row_change('workspace');
--> statement-breakpoint
CREATE TRIGGER workspace_members_audit AFTER INSERT OR DELETE ON workspace_members
  FOR EACH ROW EXECUTE FUNCTION app.audit_row_change('workspace_member');
--> statement-breakpoint
CREATE TRIGGER workspace_companies_audit AFTER INSERT OR DELETE ON workspace_companies
  FOR EACH ROW EXECUTE FUNCTION app.audit_row_change('workspace_company');
