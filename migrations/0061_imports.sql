CREATE TABLE "import_rows" (
	"tenant_id" uuid DEFAULT app.tenant_id() NOT NULL,
	"import_id" uuid NOT NULL,
	"row_number" integer NOT NULL,
	"kind" text,
	"input" text NOT NULL,
	"value" text,
	"domain" text,
	"website" text,
	"status" text DEFAULT 'pending' NOT NULL,
	"problem_type" text,
	"detail" text,
	"company_id" uuid,
	"scrape_job_id" uuid,
	"processed_at" timestamp with time zone,
	CONSTRAINT "import_rows_pkey" PRIMARY KEY("import_id","row_number"),
	CONSTRAINT "import_rows_status_check" CHECK ("import_rows"."status" in ('pending', 'created', 'existing', 'failed')),
	CONSTRAINT "import_rows_pending_valid_check" CHECK ("import_rows"."status" <> 'pending' or "import_rows"."value" is not null)
);
--> statement-breakpoint
ALTER TABLE "import_rows" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "imports" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid DEFAULT app.tenant_id() NOT NULL,
	"status" text DEFAULT 'queued' NOT NULL,
	"total" integer NOT NULL,
	"created" integer DEFAULT 0 NOT NULL,
	"existing" integer DEFAULT 0 NOT NULL,
	"failed" integer DEFAULT 0 NOT NULL,
	"requested_by" uuid,
	"lease_id" uuid,
	"lease_expires_at" timestamp with time zone,
	"paused_reason" text,
	"resume_at" timestamp with time zone,
	"finished_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "imports_status_check" CHECK ("imports"."status" in ('queued', 'running', 'paused', 'completed')),
	CONSTRAINT "imports_counts_check" CHECK ("imports"."created" + "imports"."existing" + "imports"."failed" <= "imports"."total")
);
--> statement-breakpoint
ALTER TABLE "imports" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE UNIQUE INDEX "imports_tenant_id_key" ON "imports" USING btree ("tenant_id","id");--> statement-breakpoint
ALTER TABLE "import_rows" ADD CONSTRAINT "import_rows_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "import_rows" ADD CONSTRAINT "import_rows_import_fk" FOREIGN KEY ("tenant_id","import_id") REFERENCES "public"."imports"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "imports" ADD CONSTRAINT "imports_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "import_rows_pending_idx" ON "import_rows" USING btree ("import_id","row_number") WHERE "import_rows"."status" = 'pending';--> statement-breakpoint
CREATE INDEX "import_rows_value_idx" ON "import_rows" USING btree ("import_id","value");--> statement-breakpoint
CREATE INDEX "import_rows_failed_idx" ON "import_rows" USING btree ("import_id","row_number") WHERE "import_rows"."status" = 'failed';--> statement-breakpoint
CREATE INDEX "imports_tenant_created_idx" ON "imports" USING btree ("tenant_id","created_at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "imports_live_idx" ON "imports" USING btree ("status","updated_at") WHERE "imports"."status" <> 'completed';--> statement-breakpoint
CREATE INDEX "companies_tenant_domain_idx" ON "companies" USING btree ("tenant_id","domain") WHERE "companies"."domain" is not null;--> statement-breakpoint
CREATE POLICY "import_rows_api_all" ON "import_rows" AS PERMISSIVE FOR ALL TO "app_api" USING ("import_rows"."tenant_id" = (select app.tenant_id())) WITH CHECK ("import_rows"."tenant_id" = (select app.tenant_id()));--> statement-breakpoint
CREATE POLICY "import_rows_maintenance_purge_select" ON "import_rows" AS PERMISSIVE FOR SELECT TO "app_maintenance" USING ("import_rows"."tenant_id" in (select t.id from tenants t where t.purge_started_at is not null));--> statement-breakpoint
CREATE POLICY "import_rows_maintenance_purge_delete" ON "import_rows" AS PERMISSIVE FOR DELETE TO "app_maintenance" USING ("import_rows"."tenant_id" in (select t.id from tenants t where t.purge_started_at is not null));--> statement-breakpoint
CREATE POLICY "imports_api_all" ON "imports" AS PERMISSIVE FOR ALL TO "app_api" USING ("imports"."tenant_id" = (select app.tenant_id())) WITH CHECK ("imports"."tenant_id" = (select app.tenant_id()));--> statement-breakpoint
CREATE POLICY "imports_maintenance_select" ON "imports" AS PERMISSIVE FOR SELECT TO "app_maintenance" USING (true);--> statement-breakpoint
CREATE POLICY "imports_maintenance_update" ON "imports" AS PERMISSIVE FOR UPDATE TO "app_maintenance" USING (true) WITH CHECK (true);--> statement-breakpoint
CREATE POLICY "imports_maintenance_purge_delete" ON "imports" AS PERMISSIVE FOR DELETE TO "app_maintenance" USING ("imports"."tenant_id" in (select t.id from tenants t where t.purge_started_at is not null));