CREATE TABLE "plans" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"rate_per_minute" integer NOT NULL,
	"rate_burst" integer NOT NULL,
	"seat_limit" integer,
	"quotas" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"modules" text[] DEFAULT '{}'::text[] NOT NULL,
	"price_amount" integer,
	"price_currency" text,
	"price_interval" text,
	"position" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "plans_id_format" CHECK ("plans"."id" ~ '^[a-z][a-z0-9_]{0,39}$' and "plans"."id" not in ('anonymous', 'companies_house')),
	CONSTRAINT "plans_rate_positive" CHECK ("plans"."rate_per_minute" > 0 and "plans"."rate_burst" > 0),
	CONSTRAINT "plans_seat_limit_positive" CHECK ("plans"."seat_limit" is null or "plans"."seat_limit" > 0),
	CONSTRAINT "plans_quotas_object" CHECK (jsonb_typeof("plans"."quotas") = 'object'),
	CONSTRAINT "plans_price_interval" CHECK ("plans"."price_interval" is null or "plans"."price_interval" in ('month', 'year'))
);
--> statement-breakpoint
ALTER TABLE "plans" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
-- Seeded before tenants.plan refers to plans (hand-added to the generated migration). Quotas are
-- per calendar month (UTC); a metric without a quota is counted but not limited.
INSERT INTO "plans" ("id", "name", "description", "rate_per_minute", "rate_burst", "seat_limit", "quotas", "modules", "price_amount", "price_currency", "price_interval", "position") VALUES
  ('free', 'Free', 'Try Detecktiv with a small team.', 120, 60, 3,
   '{"companies_house_imports": 50, "scrape_jobs": 20, "exported_rows": 1000}',
   '{companies,contacts,companies_house,privacy}', 0, 'gbp', 'month', 0),
  ('pro', 'Pro', 'For a sales team that enriches every day.', 1200, 300, 20,
   '{"companies_house_imports": 5000, "scrape_jobs": 2000, "exported_rows": 100000}',
   '{companies,contacts,companies_house,privacy,web_scrape,technographics}', 4900, 'gbp', 'month', 1),
  ('enterprise', 'Enterprise', 'No quotas, unlimited seats; priced with our sales team.', 6000, 1500, NULL,
   '{}', '{companies,contacts,companies_house,privacy,web_scrape,technographics,sso,audit_export}', NULL, 'gbp', 'month', 2);
--> statement-breakpoint
CREATE TABLE "invoices" (
	"id" text PRIMARY KEY NOT NULL,
	"tenant_id" uuid DEFAULT app.tenant_id() NOT NULL,
	"number" text,
	"status" text NOT NULL,
	"amount_due" bigint NOT NULL,
	"amount_paid" bigint NOT NULL,
	"currency" text NOT NULL,
	"hosted_invoice_url" text,
	"period_start" timestamp with time zone,
	"period_end" timestamp with time zone,
	"created_at" timestamp with time zone NOT NULL,
	"stripe_state_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "invoices" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "stripe_events" (
	"id" text PRIMARY KEY NOT NULL,
	"type" text NOT NULL,
	"tenant_ref" uuid,
	"outcome" text NOT NULL,
	"stripe_created_at" timestamp with time zone NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "stripe_events" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "subscriptions" (
	"tenant_id" uuid PRIMARY KEY DEFAULT app.tenant_id() NOT NULL,
	"status" text DEFAULT 'active' NOT NULL,
	"current_period_start" timestamp with time zone,
	"current_period_end" timestamp with time zone,
	"cancel_at_period_end" boolean DEFAULT false NOT NULL,
	"grace_ends_at" timestamp with time zone,
	"stripe_customer_id" text,
	"stripe_subscription_id" text,
	"stripe_state_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "subscriptions_status_check" CHECK ("subscriptions"."status" in ('trialing', 'active', 'past_due', 'canceled'))
);
--> statement-breakpoint
ALTER TABLE "subscriptions" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "usage" (
	"tenant_id" uuid DEFAULT app.tenant_id() NOT NULL,
	"metric" text NOT NULL,
	"period" text NOT NULL,
	"starts_on" date NOT NULL,
	"used" bigint NOT NULL,
	CONSTRAINT "usage_pkey" PRIMARY KEY("tenant_id","metric","period","starts_on"),
	CONSTRAINT "usage_period_check" CHECK ("usage"."period" in ('month', 'day')),
	CONSTRAINT "usage_used_check" CHECK ("usage"."used" >= 0)
);
--> statement-breakpoint
ALTER TABLE "usage" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "usage_reports" (
	"id" uuid PRIMARY KEY NOT NULL,
	"tenant_id" uuid DEFAULT app.tenant_id() NOT NULL,
	"metric" text NOT NULL,
	"day" date NOT NULL,
	"value" bigint NOT NULL,
	"stripe_customer_id" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"reported_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "usage_reports" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "tenants" DROP CONSTRAINT "tenants_plan_check";--> statement-breakpoint
ALTER TABLE "invoices" ADD CONSTRAINT "invoices_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "subscriptions" ADD CONSTRAINT "subscriptions_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "usage" ADD CONSTRAINT "usage_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "usage_reports" ADD CONSTRAINT "usage_reports_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "invoices_tenant_created_idx" ON "invoices" USING btree ("tenant_id","created_at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "stripe_events_received_idx" ON "stripe_events" USING btree ("received_at");--> statement-breakpoint
CREATE UNIQUE INDEX "subscriptions_stripe_customer_key" ON "subscriptions" USING btree ("stripe_customer_id");--> statement-breakpoint
CREATE UNIQUE INDEX "subscriptions_stripe_subscription_key" ON "subscriptions" USING btree ("stripe_subscription_id");--> statement-breakpoint
CREATE INDEX "usage_reports_unreported_idx" ON "usage_reports" USING btree ("created_at") WHERE "usage_reports"."reported_at" is null and "usage_reports"."stripe_customer_id" is not null;--> statement-breakpoint
CREATE INDEX "usage_reports_tenant_idx" ON "usage_reports" USING btree ("tenant_id");--> statement-breakpoint
ALTER TABLE "tenants" ADD CONSTRAINT "tenants_plan_plans_id_fk" FOREIGN KEY ("plan") REFERENCES "public"."plans"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE POLICY "plans_api_select" ON "plans" AS PERMISSIVE FOR SELECT TO "app_api" USING (true);--> statement-breakpoint
CREATE POLICY "plans_auth_select" ON "plans" AS PERMISSIVE FOR SELECT TO "app_auth" USING (true);--> statement-breakpoint
CREATE POLICY "plans_maintenance_all" ON "plans" AS PERMISSIVE FOR ALL TO "app_maintenance" USING (true) WITH CHECK (true);--> statement-breakpoint
CREATE POLICY "invoices_api_select" ON "invoices" AS PERMISSIVE FOR SELECT TO "app_api" USING ("invoices"."tenant_id" = (select app.tenant_id()));--> statement-breakpoint
CREATE POLICY "invoices_auth_all" ON "invoices" AS PERMISSIVE FOR ALL TO "app_auth" USING (true) WITH CHECK (true);--> statement-breakpoint
CREATE POLICY "invoices_maintenance_purge_select" ON "invoices" AS PERMISSIVE FOR SELECT TO "app_maintenance" USING ("invoices"."tenant_id" in (select t.id from tenants t where t.purge_started_at is not null));--> statement-breakpoint
CREATE POLICY "invoices_maintenance_purge_delete" ON "invoices" AS PERMISSIVE FOR DELETE TO "app_maintenance" USING ("invoices"."tenant_id" in (select t.id from tenants t where t.purge_started_at is not null));--> statement-breakpoint
CREATE POLICY "stripe_events_auth_all" ON "stripe_events" AS PERMISSIVE FOR ALL TO "app_auth" USING (true) WITH CHECK (true);--> statement-breakpoint
CREATE POLICY "subscriptions_api_select" ON "subscriptions" AS PERMISSIVE FOR SELECT TO "app_api" USING ("subscriptions"."tenant_id" = (select app.tenant_id()));--> statement-breakpoint
CREATE POLICY "subscriptions_auth_all" ON "subscriptions" AS PERMISSIVE FOR ALL TO "app_auth" USING (true) WITH CHECK (true);--> statement-breakpoint
CREATE POLICY "subscriptions_maintenance_select" ON "subscriptions" AS PERMISSIVE FOR SELECT TO "app_maintenance" USING (true);--> statement-breakpoint
CREATE POLICY "subscriptions_maintenance_purge_delete" ON "subscriptions" AS PERMISSIVE FOR DELETE TO "app_maintenance" USING ("subscriptions"."tenant_id" in (select t.id from tenants t where t.purge_started_at is not null));--> statement-breakpoint
CREATE POLICY "usage_api_select" ON "usage" AS PERMISSIVE FOR SELECT TO "app_api" USING ("usage"."tenant_id" = (select app.tenant_id()));--> statement-breakpoint
CREATE POLICY "usage_auth_all" ON "usage" AS PERMISSIVE FOR ALL TO "app_auth" USING (true) WITH CHECK (true);--> statement-breakpoint
CREATE POLICY "usage_maintenance_purge_select" ON "usage" AS PERMISSIVE FOR SELECT TO "app_maintenance" USING ("usage"."tenant_id" in (select t.id from tenants t where t.purge_started_at is not null));--> statement-breakpoint
CREATE POLICY "usage_maintenance_purge_delete" ON "usage" AS PERMISSIVE FOR DELETE TO "app_maintenance" USING ("usage"."tenant_id" in (select t.id from tenants t where t.purge_started_at is not null));--> statement-breakpoint
CREATE POLICY "usage_reports_api_select" ON "usage_reports" AS PERMISSIVE FOR SELECT TO "app_api" USING ("usage_reports"."tenant_id" = (select app.tenant_id()));--> statement-breakpoint
CREATE POLICY "usage_reports_auth_all" ON "usage_reports" AS PERMISSIVE FOR ALL TO "app_auth" USING (true) WITH CHECK (true);--> statement-breakpoint
CREATE POLICY "usage_reports_maintenance_purge_select" ON "usage_reports" AS PERMISSIVE FOR SELECT TO "app_maintenance" USING ("usage_reports"."tenant_id" in (select t.id from tenants t where t.purge_started_at is not null));--> statement-breakpoint
CREATE POLICY "usage_reports_maintenance_purge_delete" ON "usage_reports" AS PERMISSIVE FOR DELETE TO "app_maintenance" USING ("usage_reports"."tenant_id" in (select t.id from tenants t where t.purge_started_at is not null));