CREATE TABLE "erasure_receipts" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid DEFAULT app.tenant_id() NOT NULL,
	"subject_hash" text NOT NULL,
	"subject_kind" text NOT NULL,
	"actor_type" text DEFAULT app.actor_type() NOT NULL,
	"actor_id" uuid DEFAULT app.actor_id(),
	"request_id" text DEFAULT app.request_id(),
	"counts" jsonb NOT NULL,
	"erased_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "erasure_receipts_kind_check" CHECK ("erasure_receipts"."subject_kind" in ('email', 'contact'))
);
--> statement-breakpoint
ALTER TABLE "erasure_receipts" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "suppressed_subjects" (
	"tenant_id" uuid DEFAULT app.tenant_id() NOT NULL,
	"subject_hash" text NOT NULL,
	"receipt_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "suppressed_subjects_pkey" PRIMARY KEY("tenant_id","subject_hash")
);
--> statement-breakpoint
ALTER TABLE "suppressed_subjects" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "maintenance_leases" (
	"job" text PRIMARY KEY NOT NULL,
	"holder" uuid NOT NULL,
	"expires_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "maintenance_leases" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "maintenance_run_counts" (
	"run_id" uuid NOT NULL,
	"tenant_id" uuid NOT NULL,
	"data_class" text NOT NULL,
	"rows" bigint NOT NULL,
	CONSTRAINT "maintenance_run_counts_pkey" PRIMARY KEY("run_id","tenant_id","data_class")
);
--> statement-breakpoint
ALTER TABLE "maintenance_run_counts" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "maintenance_runs" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"job" text NOT NULL,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone,
	"completed" boolean DEFAULT false NOT NULL,
	"statements" integer DEFAULT 0 NOT NULL,
	"longest_statement_ms" integer DEFAULT 0 NOT NULL,
	"error" text
);
--> statement-breakpoint
ALTER TABLE "maintenance_runs" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "retention_policies" (
	"tenant_id" uuid PRIMARY KEY DEFAULT app.tenant_id() NOT NULL,
	"deleted_records_days" integer,
	"scrape_results_days" integer,
	"scrape_jobs_days" integer,
	"audit_log_days" integer,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "retention_policies" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
DROP INDEX "company_signals_fetched_idx";--> statement-breakpoint
DROP INDEX "scrape_pages_fetched_idx";--> statement-breakpoint
ALTER TABLE "erasure_receipts" ADD CONSTRAINT "erasure_receipts_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "suppressed_subjects" ADD CONSTRAINT "suppressed_subjects_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "suppressed_subjects" ADD CONSTRAINT "suppressed_subjects_receipt_id_erasure_receipts_id_fk" FOREIGN KEY ("receipt_id") REFERENCES "public"."erasure_receipts"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "maintenance_run_counts" ADD CONSTRAINT "maintenance_run_counts_run_id_maintenance_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."maintenance_runs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "maintenance_run_counts" ADD CONSTRAINT "maintenance_run_counts_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "retention_policies" ADD CONSTRAINT "retention_policies_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "erasure_receipts_tenant_idx" ON "erasure_receipts" USING btree ("tenant_id","erased_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "maintenance_run_counts_tenant_idx" ON "maintenance_run_counts" USING btree ("tenant_id","run_id");--> statement-breakpoint
CREATE INDEX "maintenance_runs_started_idx" ON "maintenance_runs" USING btree ("started_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "audit_log_tenant_actor_idx" ON "audit_log" USING btree ("tenant_id","actor_id");--> statement-breakpoint
CREATE INDEX "companies_tenant_deleted_idx" ON "companies" USING btree ("tenant_id","deleted_at") WHERE "companies"."deleted_at" is not null;--> statement-breakpoint
CREATE INDEX "company_signals_tenant_fetched_idx" ON "company_signals" USING btree ("tenant_id","fetched_at");--> statement-breakpoint
CREATE INDEX "contacts_tenant_deleted_idx" ON "contacts" USING btree ("tenant_id","deleted_at") WHERE "contacts"."deleted_at" is not null;--> statement-breakpoint
CREATE INDEX "scrape_jobs_tenant_finished_idx" ON "scrape_jobs" USING btree ("tenant_id","finished_at") WHERE "scrape_jobs"."status" in ('succeeded', 'failed');--> statement-breakpoint
CREATE INDEX "scrape_pages_tenant_fetched_idx" ON "scrape_pages" USING btree ("tenant_id","fetched_at");--> statement-breakpoint
CREATE POLICY "erasure_receipts_api_select" ON "erasure_receipts" AS PERMISSIVE FOR SELECT TO "app_api" USING ("erasure_receipts"."tenant_id" = (select app.tenant_id()));--> statement-breakpoint
CREATE POLICY "erasure_receipts_api_insert" ON "erasure_receipts" AS PERMISSIVE FOR INSERT TO "app_api" WITH CHECK ("erasure_receipts"."tenant_id" = (select app.tenant_id()));--> statement-breakpoint
CREATE POLICY "erasure_receipts_maintenance_select" ON "erasure_receipts" AS PERMISSIVE FOR SELECT TO "app_maintenance" USING (true);--> statement-breakpoint
CREATE POLICY "suppressed_subjects_api_select" ON "suppressed_subjects" AS PERMISSIVE FOR SELECT TO "app_api" USING ("suppressed_subjects"."tenant_id" = (select app.tenant_id()));--> statement-breakpoint
CREATE POLICY "suppressed_subjects_api_insert" ON "suppressed_subjects" AS PERMISSIVE FOR INSERT TO "app_api" WITH CHECK ("suppressed_subjects"."tenant_id" = (select app.tenant_id()));--> statement-breakpoint
CREATE POLICY "maintenance_leases_maintenance_all" ON "maintenance_leases" AS PERMISSIVE FOR ALL TO "app_maintenance" USING (true) WITH CHECK (true);--> statement-breakpoint
CREATE POLICY "maintenance_run_counts_api_select" ON "maintenance_run_counts" AS PERMISSIVE FOR SELECT TO "app_api" USING ("maintenance_run_counts"."tenant_id" = (select app.tenant_id()));--> statement-breakpoint
CREATE POLICY "maintenance_run_counts_maintenance_all" ON "maintenance_run_counts" AS PERMISSIVE FOR ALL TO "app_maintenance" USING (true) WITH CHECK (true);--> statement-breakpoint
CREATE POLICY "maintenance_runs_api_select" ON "maintenance_runs" AS PERMISSIVE FOR SELECT TO "app_api" USING (true);--> statement-breakpoint
CREATE POLICY "maintenance_runs_maintenance_all" ON "maintenance_runs" AS PERMISSIVE FOR ALL TO "app_maintenance" USING (true) WITH CHECK (true);--> statement-breakpoint
CREATE POLICY "retention_policies_api_all" ON "retention_policies" AS PERMISSIVE FOR ALL TO "app_api" USING ("retention_policies"."tenant_id" = (select app.tenant_id())) WITH CHECK ("retention_policies"."tenant_id" = (select app.tenant_id()));--> statement-breakpoint
CREATE POLICY "retention_policies_maintenance_select" ON "retention_policies" AS PERMISSIVE FOR SELECT TO "app_maintenance" USING (true);