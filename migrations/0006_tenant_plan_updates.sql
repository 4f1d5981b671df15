CREATE POLICY "tenants_maintenance_update" ON "tenants" AS PERMISSIVE FOR UPDATE TO "app_maintenance" USING (true) WITH CHECK (true);
--> statement-breakpoint
-- Only the plan: the operator API changes nothing else about a tenant. The audit trigger (which
-- runs as app_auth) records the change.
GRANT UPDATE (plan) ON tenants TO app_maintenance;
