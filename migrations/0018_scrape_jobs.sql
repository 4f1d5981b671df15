CREATE TABLE "company_signals" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid DEFAULT app.tenant_id() NOT NULL,
	"company_id" uuid NOT NULL,
	"job_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"name" text NOT NULL,
	"category" text,
	"confidence" smallint,
	"data" jsonb NOT NULL,
	"source_url" text NOT NULL,
	"fetched_at" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "company_signals_kind_check" CHECK ("company_signals"."kind" in ('technology', 'web_profile')),
	CONSTRAINT "company_signals_confidence_check" CHECK ("company_signals"."confidence" between 1 and 100)
);
--> statement-breakpoint
ALTER TABLE "company_signals" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "scrape_jobs" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid DEFAULT app.tenant_id() NOT NULL,
	"company_id" uuid NOT NULL,
	"url" text NOT NULL,
	"status" text DEFAULT 'queued' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"pages_fetched" integer DEFAULT 0 NOT NULL,
	"failure_reason" text,
	"failure_detail" text,
	"requested_by" uuid,
	"lease_id" uuid,
	"lease_expires_at" timestamp with time zone,
	"started_at" timestamp with time zone,
	"finished_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "scrape_jobs_status_check" CHECK ("scrape_jobs"."status" in ('queued', 'running', 'succeeded', 'failed'))
);
--> statement-breakpoint
ALTER TABLE "scrape_jobs" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "scrape_pages" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid DEFAULT app.tenant_id() NOT NULL,
	"job_id" uuid NOT NULL,
	"url" text NOT NULL,
	"outcome" text NOT NULL,
	"http_status" integer,
	"content_type" text,
	"bytes" integer,
	"detail" text,
	"fetched_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "scrape_pages_outcome_check" CHECK ("scrape_pages"."outcome" in ('fetched', 'blocked_by_robots', 'not_html', 'failed'))
);
--> statement-breakpoint
ALTER TABLE "scrape_pages" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
-- Moved above the foreign keys that need them.
CREATE UNIQUE INDEX "scrape_jobs_tenant_id_key" ON "scrape_jobs" USING btree ("tenant_id","id");--> statement-breakpoint
CREATE UNIQUE INDEX "companies_tenant_id_key" ON "companies" USING btree ("tenant_id","id");--> statement-breakpoint
ALTER TABLE "company_signals" ADD CONSTRAINT "company_signals_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "company_signals" ADD CONSTRAINT "company_signals_company_fk" FOREIGN KEY ("tenant_id","company_id") REFERENCES "public"."companies"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "company_signals" ADD CONSTRAINT "company_signals_job_fk" FOREIGN KEY ("tenant_id","job_id") REFERENCES "public"."scrape_jobs"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "scrape_jobs" ADD CONSTRAINT "scrape_jobs_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "scrape_jobs" ADD CONSTRAINT "scrape_jobs_company_fk" FOREIGN KEY ("tenant_id","company_id") REFERENCES "public"."companies"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "scrape_pages" ADD CONSTRAINT "scrape_pages_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "scrape_pages" ADD CONSTRAINT "scrape_pages_job_fk" FOREIGN KEY ("tenant_id","job_id") REFERENCES "public"."scrape_jobs"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "company_signals_tenant_company_idx" ON "company_signals" USING btree ("tenant_id","company_id","fetched_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "company_signals_tenant_name_idx" ON "company_signals" USING btree ("tenant_id","kind","name");--> statement-breakpoint
CREATE INDEX "company_signals_fetched_idx" ON "company_signals" USING btree ("fetched_at");--> statement-breakpoint
CREATE UNIQUE INDEX "scrape_jobs_live_key" ON "scrape_jobs" USING btree ("tenant_id","company_id") WHERE "scrape_jobs"."status" in ('queued', 'running');--> statement-breakpoint
CREATE INDEX "scrape_jobs_tenant_created_idx" ON "scrape_jobs" USING btree ("tenant_id","created_at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "scrape_jobs_tenant_company_idx" ON "scrape_jobs" USING btree ("tenant_id","company_id","created_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "scrape_jobs_live_idx" ON "scrape_jobs" USING btree ("status","updated_at") WHERE "scrape_jobs"."status" in ('queued', 'running');--> statement-breakpoint
CREATE INDEX "scrape_pages_tenant_job_idx" ON "scrape_pages" USING btree ("tenant_id","job_id");--> statement-breakpoint
CREATE INDEX "scrape_pages_fetched_idx" ON "scrape_pages" USING btree ("fetched_at");--> statement-breakpoint
CREATE POLICY "company_signals_api_all" ON "company_signals" AS PERMISSIVE FOR ALL TO "app_api" USING ("company_signals"."tenant_id" = (select app.tenant_id())) WITH CHECK ("company_signals"."tenant_id" = (select app.tenant_id()));--> statement-breakpoint
CREATE POLICY "company_signals_maintenance_select" ON "company_signals" AS PERMISSIVE FOR SELECT TO "app_maintenance" USING (true);--> statement-breakpoint
CREATE POLICY "company_signals_maintenance_delete" ON "company_signals" AS PERMISSIVE FOR DELETE TO "app_maintenance" USING (true);--> statement-breakpoint
CREATE POLICY "scrape_jobs_api_all" ON "scrape_jobs" AS PERMISSIVE FOR ALL TO "app_api" USING ("scrape_jobs"."tenant_id" = (select app.tenant_id())) WITH CHECK ("scrape_jobs"."tenant_id" = (select app.tenant_id()));--> statement-breakpoint
CREATE POLICY "scrape_jobs_maintenance_select" ON "scrape_jobs" AS PERMISSIVE FOR SELECT TO "app_maintenance" USING (true);--> statement-breakpoint
CREATE POLICY "scrape_jobs_maintenance_update" ON "scrape_jobs" AS PERMISSIVE FOR UPDATE TO "app_maintenance" USING (true) WITH CHECK (true);--> statement-breakpoint
CREATE POLICY "scrape_jobs_maintenance_delete" ON "scrape_jobs" AS PERMISSIVE FOR DELETE TO "app_maintenance" USING (true);--> statement-breakpoint
CREATE POLICY "scrape_pages_api_all" ON "scrape_pages" AS PERMISSIVE FOR ALL TO "app_api" USING ("scrape_pages"."tenant_id" = (select app.tenant_id())) WITH CHECK ("scrape_pages"."tenant_id" = (select app.tenant_id()));--> statement-breakpoint
CREATE POLICY "scrape_pages_maintenance_select" ON "scrape_pages" AS PERMISSIVE FOR SELECT TO "app_maintenance" USING (true);--> statement-breakpoint
CREATE POLICY "scrape_pages_maintenance_delete" ON "scrape_pages" AS PERMISSIVE FOR DELETE TO "app_maintenance" USING (true);