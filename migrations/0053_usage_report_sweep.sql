ALTER TABLE "usage_reports" ADD COLUMN "requeued_at" timestamp with time zone;--> statement-breakpoint
CREATE INDEX "usage_reports_created_idx" ON "usage_reports" USING btree ("created_at");--> statement-breakpoint
DROP POLICY "usage_reports_maintenance_purge_select" ON "usage_reports" CASCADE;--> statement-breakpoint
DROP POLICY "usage_reports_maintenance_purge_delete" ON "usage_reports" CASCADE;--> statement-breakpoint
CREATE POLICY "usage_reports_maintenance_select" ON "usage_reports" AS PERMISSIVE FOR SELECT TO "app_maintenance" USING (true);--> statement-breakpoint
CREATE POLICY "usage_reports_maintenance_update" ON "usage_reports" AS PERMISSIVE FOR UPDATE TO "app_maintenance" USING (true) WITH CHECK (true);--> statement-breakpoint
CREATE POLICY "usage_reports_maintenance_delete" ON "usage_reports" AS PERMISSIVE FOR DELETE TO "app_maintenance" USING (true);--> statement-breakpoint
-- The sweep marks what it put back on the queue; nothing else of a report is the cron's to change.
GRANT UPDATE (requeued_at) ON usage_reports TO app_maintenance;
