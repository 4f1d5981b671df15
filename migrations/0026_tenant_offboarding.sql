CREATE TABLE "tenant_purge_receipts" (
	"purged_tenant_id" uuid PRIMARY KEY NOT NULL,
	"deleted_at" timestamp with time zone NOT NULL,
	"purge_started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"purged_at" timestamp with time zone,
	"rows" jsonb DEFAULT '{}'::jsonb NOT NULL
);
--> statement-breakpoint
ALTER TABLE "tenant_purge_receipts" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "tenants" ADD COLUMN "purge_started_at" timestamp with time zone;--> statement-breakpoint
CREATE POLICY "api_keys_maintenance_purge_delete" ON "api_keys" AS PERMISSIVE FOR DELETE TO "app_maintenance" USING ("api_keys"."tenant_id" in (select t.id from tenants t where t.purge_started_at is not null));--> statement-breakpoint
CREATE POLICY "erasure_receipts_maintenance_purge_delete" ON "erasure_receipts" AS PERMISSIVE FOR DELETE TO "app_maintenance" USING ("erasure_receipts"."tenant_id" in (select t.id from tenants t where t.purge_started_at is not null));--> statement-breakpoint
CREATE POLICY "suppressed_subjects_maintenance_purge_select" ON "suppressed_subjects" AS PERMISSIVE FOR SELECT TO "app_maintenance" USING ("suppressed_subjects"."tenant_id" in (select t.id from tenants t where t.purge_started_at is not null));--> statement-breakpoint
CREATE POLICY "suppressed_subjects_maintenance_purge_delete" ON "suppressed_subjects" AS PERMISSIVE FOR DELETE TO "app_maintenance" USING ("suppressed_subjects"."tenant_id" in (select t.id from tenants t where t.purge_started_at is not null));--> statement-breakpoint
CREATE POLICY "memberships_maintenance_purge_select" ON "memberships" AS PERMISSIVE FOR SELECT TO "app_maintenance" USING ("memberships"."tenant_id" in (select t.id from tenants t where t.purge_started_at is not null));--> statement-breakpoint
CREATE POLICY "memberships_maintenance_purge_delete" ON "memberships" AS PERMISSIVE FOR DELETE TO "app_maintenance" USING ("memberships"."tenant_id" in (select t.id from tenants t where t.purge_started_at is not null));--> statement-breakpoint
CREATE POLICY "retention_policies_maintenance_purge_delete" ON "retention_policies" AS PERMISSIVE FOR DELETE TO "app_maintenance" USING ("retention_policies"."tenant_id" in (select t.id from tenants t where t.purge_started_at is not null));--> statement-breakpoint
CREATE POLICY "retention_policies_auth_select" ON "retention_policies" AS PERMISSIVE FOR SELECT TO "app_auth" USING (true);--> statement-breakpoint
CREATE POLICY "tenants_auth_restore" ON "tenants" AS PERMISSIVE FOR UPDATE TO "app_auth" USING ("tenants"."deleted_at" is not null and "tenants"."purge_started_at" is null) WITH CHECK ("tenants"."deleted_at" is null and "tenants"."purge_started_at" is null);--> statement-breakpoint
CREATE POLICY "tenants_maintenance_purge_delete" ON "tenants" AS PERMISSIVE FOR DELETE TO "app_maintenance" USING ("tenants"."purge_started_at" is not null);--> statement-breakpoint
CREATE POLICY "tenant_purge_receipts_maintenance_all" ON "tenant_purge_receipts" AS PERMISSIVE FOR ALL TO "app_maintenance" USING (true) WITH CHECK (true);