CREATE TABLE "feature_flags" (
	"key" text PRIMARY KEY NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"default_value" jsonb DEFAULT 'false'::jsonb NOT NULL,
	"value" jsonb DEFAULT 'true'::jsonb NOT NULL,
	"rollout_percentage" numeric(5, 2) DEFAULT 0 NOT NULL,
	"target_plans" text[] DEFAULT '{}'::text[] NOT NULL,
	"target_attributes" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "feature_flags_key_format" CHECK ("feature_flags"."key" ~ '^[a-z][a-z0-9_.-]{0,62}$'),
	CONSTRAINT "feature_flags_rollout_range" CHECK ("feature_flags"."rollout_percentage" between 0 and 100),
	CONSTRAINT "feature_flags_target_attributes_object" CHECK (jsonb_typeof("feature_flags"."target_attributes") = 'object')
);
--> statement-breakpoint
ALTER TABLE "feature_flags" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "tenant_feature_flags" (
	"flag_key" text NOT NULL,
	"tenant_id" uuid NOT NULL,
	"value" jsonb NOT NULL,
	"reason" text NOT NULL,
	"operator_id" uuid,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "tenant_feature_flags_tenant_id_flag_key_pk" PRIMARY KEY("tenant_id","flag_key")
);
--> statement-breakpoint
ALTER TABLE "tenant_feature_flags" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "modules" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"description" text NOT NULL,
	"position" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "modules_id_format" CHECK ("modules"."id" ~ '^[a-z][a-z0-9_]{0,39}$')
);
--> statement-breakpoint
ALTER TABLE "modules" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "tenant_modules" (
	"tenant_id" uuid NOT NULL,
	"module" text NOT NULL,
	"enabled" boolean NOT NULL,
	"reason" text NOT NULL,
	"operator_id" uuid,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "tenant_modules_tenant_id_module_pk" PRIMARY KEY("tenant_id","module")
);
--> statement-breakpoint
ALTER TABLE "tenant_modules" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "tenants" ADD COLUMN "sector" text;--> statement-breakpoint
ALTER TABLE "tenant_feature_flags" ADD CONSTRAINT "tenant_feature_flags_flag_key_feature_flags_key_fk" FOREIGN KEY ("flag_key") REFERENCES "public"."feature_flags"("key") ON DELETE cascade ON UPDATE cascade;--> statement-breakpoint
ALTER TABLE "tenant_feature_flags" ADD CONSTRAINT "tenant_feature_flags_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tenant_feature_flags" ADD CONSTRAINT "tenant_feature_flags_operator_id_operators_id_fk" FOREIGN KEY ("operator_id") REFERENCES "public"."operators"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tenant_modules" ADD CONSTRAINT "tenant_modules_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tenant_modules" ADD CONSTRAINT "tenant_modules_module_modules_id_fk" FOREIGN KEY ("module") REFERENCES "public"."modules"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tenant_modules" ADD CONSTRAINT "tenant_modules_operator_id_operators_id_fk" FOREIGN KEY ("operator_id") REFERENCES "public"."operators"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tenants" ADD CONSTRAINT "tenants_sector_format" CHECK ("tenants"."sector" is null or "tenants"."sector" ~ '^[a-z][a-z0-9_]{0,39}$');--> statement-breakpoint
CREATE POLICY "feature_flags_auth_select" ON "feature_flags" AS PERMISSIVE FOR SELECT TO "app_auth" USING (true);--> statement-breakpoint
CREATE POLICY "feature_flags_platform_all" ON "feature_flags" AS PERMISSIVE FOR ALL TO "app_platform" USING (true) WITH CHECK (true);--> statement-breakpoint
CREATE POLICY "tenant_feature_flags_auth_select" ON "tenant_feature_flags" AS PERMISSIVE FOR SELECT TO "app_auth" USING (true);--> statement-breakpoint
CREATE POLICY "tenant_feature_flags_platform_all" ON "tenant_feature_flags" AS PERMISSIVE FOR ALL TO "app_platform" USING (true) WITH CHECK (true);--> statement-breakpoint
CREATE POLICY "tenant_feature_flags_maintenance_purge_select" ON "tenant_feature_flags" AS PERMISSIVE FOR SELECT TO "app_maintenance" USING ("tenant_feature_flags"."tenant_id" in (select t.id from tenants t where t.purge_started_at is not null));--> statement-breakpoint
CREATE POLICY "tenant_feature_flags_maintenance_purge_delete" ON "tenant_feature_flags" AS PERMISSIVE FOR DELETE TO "app_maintenance" USING ("tenant_feature_flags"."tenant_id" in (select t.id from tenants t where t.purge_started_at is not null));--> statement-breakpoint
CREATE POLICY "modules_api_select" ON "modules" AS PERMISSIVE FOR SELECT TO "app_api" USING (true);--> statement-breakpoint
CREATE POLICY "modules_auth_select" ON "modules" AS PERMISSIVE FOR SELECT TO "app_auth" USING (true);--> statement-breakpoint
CREATE POLICY "modules_platform_select" ON "modules" AS PERMISSIVE FOR SELECT TO "app_platform" USING (true);--> statement-breakpoint
CREATE POLICY "tenant_modules_auth_select" ON "tenant_modules" AS PERMISSIVE FOR SELECT TO "app_auth" USING (true);--> statement-breakpoint
CREATE POLICY "tenant_modules_platform_all" ON "tenant_modules" AS PERMISSIVE FOR ALL TO "app_platform" USING (true) WITH CHECK (true);--> statement-breakpoint
CREATE POLICY "tenant_modules_maintenance_select" ON "tenant_modules" AS PERMISSIVE FOR SELECT TO "app_maintenance" USING (true);--> statement-breakpoint
CREATE POLICY "tenant_modules_maintenance_purge_delete" ON "tenant_modules" AS PERMISSIVE FOR DELETE TO "app_maintenance" USING ("tenant_modules"."tenant_id" in (select t.id from tenants t where t.purge_started_at is not null));