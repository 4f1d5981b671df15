CREATE TABLE "company_changes" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid DEFAULT app.tenant_id() NOT NULL,
	"company_id" uuid NOT NULL,
	"type" text NOT NULL,
	"details" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"subject_hash" text,
	"detected_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "company_changes_type_check" CHECK ("company_changes"."type" in ('officer_appointed', 'officer_resigned', 'psc_added', 'psc_ceased', 'status_changed',
        'accounts_filed', 'address_changed', 'sic_codes_changed', 'insolvency'))
);
--> statement-breakpoint
ALTER TABLE "company_changes" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "companies" ADD COLUMN "accounts_made_up_to" date;--> statement-breakpoint
ALTER TABLE "companies" ADD COLUMN "accounts_next_due" date;--> statement-breakpoint
ALTER TABLE "companies" ADD COLUMN "accounts_overdue" boolean;--> statement-breakpoint
ALTER TABLE "companies" ADD COLUMN "last_accounts_filed_on" date;--> statement-breakpoint
ALTER TABLE "companies" ADD COLUMN "confirmation_statement_next_due" date;--> statement-breakpoint
ALTER TABLE "companies" ADD COLUMN "confirmation_statement_overdue" boolean;--> statement-breakpoint
ALTER TABLE "companies" ADD COLUMN "charges_total" integer;--> statement-breakpoint
ALTER TABLE "companies" ADD COLUMN "charges_outstanding" integer;--> statement-breakpoint
ALTER TABLE "companies" ADD COLUMN "insolvency_status" text;--> statement-breakpoint
ALTER TABLE "companies" ADD COLUMN "companies_house_state" jsonb;--> statement-breakpoint
ALTER TABLE "companies" ADD COLUMN "checked_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "company_changes" ADD CONSTRAINT "company_changes_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "company_changes" ADD CONSTRAINT "company_changes_company_fk" FOREIGN KEY ("tenant_id","company_id") REFERENCES "public"."companies"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "company_changes_tenant_detected_idx" ON "company_changes" USING btree ("tenant_id","detected_at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "company_changes_tenant_type_idx" ON "company_changes" USING btree ("tenant_id","type","detected_at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "company_changes_company_idx" ON "company_changes" USING btree ("tenant_id","company_id","detected_at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "companies_tenant_refresh_idx" ON "companies" USING btree ("tenant_id","checked_at" nulls first) WHERE "companies"."deleted_at" is null and "companies"."source" = 'companies_house' and "companies"."company_number" is not null;--> statement-breakpoint
CREATE POLICY "company_changes_api_select" ON "company_changes" AS PERMISSIVE FOR SELECT TO "app_api" USING ("company_changes"."tenant_id" = (select app.tenant_id()));--> statement-breakpoint
CREATE POLICY "company_changes_api_insert" ON "company_changes" AS PERMISSIVE FOR INSERT TO "app_api" WITH CHECK ("company_changes"."tenant_id" = (select app.tenant_id()));--> statement-breakpoint
CREATE POLICY "company_changes_maintenance_select" ON "company_changes" AS PERMISSIVE FOR SELECT TO "app_maintenance" USING (true);--> statement-breakpoint
CREATE POLICY "company_changes_maintenance_delete" ON "company_changes" AS PERMISSIVE FOR DELETE TO "app_maintenance" USING (true);