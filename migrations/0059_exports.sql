CREATE TABLE "export_companies" (
	"tenant_id" uuid DEFAULT app.tenant_id() NOT NULL,
	"export_id" uuid NOT NULL,
	"position" integer NOT NULL,
	"company_id" uuid NOT NULL,
	CONSTRAINT "export_companies_pkey" PRIMARY KEY("tenant_id","export_id","position")
);
--> statement-breakpoint
ALTER TABLE "export_companies" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "export_jobs" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid DEFAULT app.tenant_id() NOT NULL,
	"format" text NOT NULL,
	"include" text[] DEFAULT '{}'::text[] NOT NULL,
	"filters" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"status" text DEFAULT 'queued' NOT NULL,
	"row_count" integer NOT NULL,
	"truncated" boolean DEFAULT false NOT NULL,
	"rows_written" integer,
	"bytes" bigint,
	"object_key" text,
	"attempts" integer DEFAULT 0 NOT NULL,
	"error" text,
	"requested_by" uuid DEFAULT app.user_id(),
	"lease_id" uuid,
	"lease_expires_at" timestamp with time zone,
	"retry_at" timestamp with time zone,
	"started_at" timestamp with time zone,
	"finished_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "export_jobs_status_check" CHECK ("export_jobs"."status" in ('queued', 'running', 'succeeded', 'failed')),
	CONSTRAINT "export_jobs_format_check" CHECK ("export_jobs"."format" in ('csv', 'ndjson')),
	CONSTRAINT "export_jobs_include_check" CHECK ("export_jobs"."include" <@ array['contacts', 'signals']::text[])
);
--> statement-breakpoint
ALTER TABLE "export_jobs" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
-- The target of export_companies' (tenant_id, export_id) key: created before that key.
CREATE UNIQUE INDEX "export_jobs_tenant_id_key" ON "export_jobs" USING btree ("tenant_id","id");--> statement-breakpoint
ALTER TABLE "export_companies" ADD CONSTRAINT "export_companies_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "export_companies" ADD CONSTRAINT "export_companies_export_fk" FOREIGN KEY ("tenant_id","export_id") REFERENCES "public"."export_jobs"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "export_companies" ADD CONSTRAINT "export_companies_company_fk" FOREIGN KEY ("tenant_id","company_id") REFERENCES "public"."companies"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "export_jobs" ADD CONSTRAINT "export_jobs_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "export_companies_company_idx" ON "export_companies" USING btree ("tenant_id","company_id");--> statement-breakpoint
CREATE INDEX "export_jobs_tenant_created_idx" ON "export_jobs" USING btree ("tenant_id","created_at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "export_jobs_live_idx" ON "export_jobs" USING btree ("status","updated_at") WHERE "export_jobs"."status" in ('queued', 'running');--> statement-breakpoint
CREATE POLICY "export_companies_api_all" ON "export_companies" AS PERMISSIVE FOR ALL TO "app_api" USING ("export_companies"."tenant_id" = (select app.tenant_id())) WITH CHECK ("export_companies"."tenant_id" = (select app.tenant_id()));--> statement-breakpoint
CREATE POLICY "export_companies_auth_delete" ON "export_companies" AS PERMISSIVE FOR DELETE TO "app_auth" USING (true);--> statement-breakpoint
CREATE POLICY "export_companies_auth_select" ON "export_companies" AS PERMISSIVE FOR SELECT TO "app_auth" USING (true);--> statement-breakpoint
CREATE POLICY "export_companies_maintenance_delete" ON "export_companies" AS PERMISSIVE FOR DELETE TO "app_maintenance" USING (true);--> statement-breakpoint
CREATE POLICY "export_companies_maintenance_select" ON "export_companies" AS PERMISSIVE FOR SELECT TO "app_maintenance" USING (true);--> statement-breakpoint
CREATE POLICY "export_jobs_api_all" ON "export_jobs" AS PERMISSIVE FOR ALL TO "app_api" USING ("export_jobs"."tenant_id" = (select app.tenant_id())) WITH CHECK ("export_jobs"."tenant_id" = (select app.tenant_id()));--> statement-breakpoint
CREATE POLICY "export_jobs_api_workspace" ON "export_jobs" AS RESTRICTIVE FOR ALL TO "app_api" USING ((select app.workspace_ids()) is null or "export_jobs"."requested_by" = (select app.user_id())) WITH CHECK ((select app.workspace_ids()) is null or "export_jobs"."requested_by" = (select app.user_id()));--> statement-breakpoint
CREATE POLICY "export_jobs_auth_select" ON "export_jobs" AS PERMISSIVE FOR SELECT TO "app_auth" USING (true);--> statement-breakpoint
CREATE POLICY "export_jobs_auth_update" ON "export_jobs" AS PERMISSIVE FOR UPDATE TO "app_auth" USING (true) WITH CHECK (true);--> statement-breakpoint
CREATE POLICY "export_jobs_maintenance_select" ON "export_jobs" AS PERMISSIVE FOR SELECT TO "app_maintenance" USING (true);--> statement-breakpoint
CREATE POLICY "export_jobs_maintenance_update" ON "export_jobs" AS PERMISSIVE FOR UPDATE TO "app_maintenance" USING (true) WITH CHECK (true);--> statement-breakpoint
CREATE POLICY "export_jobs_maintenance_purge_delete" ON "export_jobs" AS PERMISSIVE FOR DELETE TO "app_maintenance" USING ("export_jobs"."tenant_id" in (select t.id from tenants t where t.purge_started_at is not null));