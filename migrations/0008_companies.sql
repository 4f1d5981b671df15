CREATE TABLE "companies" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid DEFAULT app.tenant_id() NOT NULL,
	"name" text NOT NULL,
	"company_number" text,
	"status" text,
	"type" text,
	"date_of_creation" date,
	"date_of_cessation" date,
	"jurisdiction" text,
	"sic_codes" text[] DEFAULT '{}'::text[] NOT NULL,
	"registered_office" jsonb,
	"postcode" text,
	"website" text,
	"domain" text,
	"tags" text[] DEFAULT '{}'::text[] NOT NULL,
	"source" text DEFAULT 'manual' NOT NULL,
	"source_ref" text,
	"fetched_at" timestamp with time zone,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"deleted_at" timestamp with time zone,
	CONSTRAINT "companies_source_check" CHECK ("companies"."source" in ('manual', 'companies_house', 'scrape', 'import')),
	CONSTRAINT "companies_number_format" CHECK ("companies"."company_number" ~ '^[A-Z0-9]{8}$'),
	CONSTRAINT "companies_name_length" CHECK (length("companies"."name") between 1 and 300)
);
--> statement-breakpoint
ALTER TABLE "companies" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "idempotency_keys" (
	"tenant_id" uuid DEFAULT app.tenant_id() NOT NULL,
	"key" text NOT NULL,
	"request_hash" text NOT NULL,
	"status" integer,
	"response" jsonb,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone DEFAULT now() + interval '24 hours' NOT NULL,
	CONSTRAINT "idempotency_keys_pkey" PRIMARY KEY("tenant_id","key")
);
--> statement-breakpoint
ALTER TABLE "idempotency_keys" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "companies" ADD CONSTRAINT "companies_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "idempotency_keys" ADD CONSTRAINT "idempotency_keys_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "companies_tenant_number_key" ON "companies" USING btree ("tenant_id","company_number");--> statement-breakpoint
CREATE INDEX "companies_tenant_created_idx" ON "companies" USING btree ("tenant_id","created_at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "companies_tenant_name_idx" ON "companies" USING btree ("tenant_id",lower("name") text_pattern_ops,"id");--> statement-breakpoint
CREATE INDEX "companies_name_trgm_idx" ON "companies" USING gin (lower("name") gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "companies_tenant_postcode_idx" ON "companies" USING btree ("tenant_id","postcode" text_pattern_ops);--> statement-breakpoint
CREATE INDEX "companies_sic_idx" ON "companies" USING gin ("sic_codes");--> statement-breakpoint
CREATE INDEX "companies_tags_idx" ON "companies" USING gin ("tags");--> statement-breakpoint
CREATE INDEX "idempotency_keys_expires_idx" ON "idempotency_keys" USING btree ("expires_at");--> statement-breakpoint
CREATE POLICY "companies_api_all" ON "companies" AS PERMISSIVE FOR ALL TO "app_api" USING ("companies"."tenant_id" = (select app.tenant_id())) WITH CHECK ("companies"."tenant_id" = (select app.tenant_id()));--> statement-breakpoint
CREATE POLICY "companies_maintenance_select" ON "companies" AS PERMISSIVE FOR SELECT TO "app_maintenance" USING (true);--> statement-breakpoint
CREATE POLICY "companies_maintenance_delete" ON "companies" AS PERMISSIVE FOR DELETE TO "app_maintenance" USING (true);--> statement-breakpoint
CREATE POLICY "idempotency_keys_api_all" ON "idempotency_keys" AS PERMISSIVE FOR ALL TO "app_api" USING ("idempotency_keys"."tenant_id" = (select app.tenant_id())) WITH CHECK ("idempotency_keys"."tenant_id" = (select app.tenant_id()));--> statement-breakpoint
CREATE POLICY "idempotency_keys_maintenance_delete" ON "idempotency_keys" AS PERMISSIVE FOR DELETE TO "app_maintenance" USING (true);