CREATE TABLE "contacts" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid DEFAULT app.tenant_id() NOT NULL,
	"company_id" uuid NOT NULL,
	"name" text NOT NULL,
	"job_title" text,
	"email" text,
	"phone" text,
	"lawful_basis" text NOT NULL,
	"source" text DEFAULT 'manual' NOT NULL,
	"source_url" text,
	"source_ref" text,
	"collected_at" timestamp with time zone DEFAULT now() NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"deleted_at" timestamp with time zone,
	CONSTRAINT "contacts_lawful_basis_check" CHECK ("contacts"."lawful_basis" in ('consent', 'contract', 'legal_obligation', 'vital_interests', 'public_task', 'legitimate_interests')),
	CONSTRAINT "contacts_source_check" CHECK ("contacts"."source" in ('manual', 'companies_house', 'scrape', 'import'))
);
--> statement-breakpoint
ALTER TABLE "contacts" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "contacts" ADD CONSTRAINT "contacts_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "contacts" ADD CONSTRAINT "contacts_company_id_companies_id_fk" FOREIGN KEY ("company_id") REFERENCES "public"."companies"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "contacts_company_email_key" ON "contacts" USING btree ("tenant_id","company_id",lower("email")) WHERE "contacts"."deleted_at" is null;--> statement-breakpoint
CREATE INDEX "contacts_tenant_company_idx" ON "contacts" USING btree ("tenant_id","company_id","created_at","id");--> statement-breakpoint
CREATE INDEX "contacts_tenant_email_idx" ON "contacts" USING btree ("tenant_id",lower("email"));--> statement-breakpoint
CREATE POLICY "contacts_api_all" ON "contacts" AS PERMISSIVE FOR ALL TO "app_api" USING ("contacts"."tenant_id" = (select app.tenant_id())) WITH CHECK ("contacts"."tenant_id" = (select app.tenant_id()));--> statement-breakpoint
CREATE POLICY "contacts_maintenance_select" ON "contacts" AS PERMISSIVE FOR SELECT TO "app_maintenance" USING (true);--> statement-breakpoint
CREATE POLICY "contacts_maintenance_delete" ON "contacts" AS PERMISSIVE FOR DELETE TO "app_maintenance" USING (true);