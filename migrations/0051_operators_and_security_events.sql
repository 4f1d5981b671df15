CREATE TABLE "operators" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"kind" text NOT NULL,
	"key_hash" text,
	"prefix" text,
	"subject" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"revoked_at" timestamp with time zone,
	"last_used_at" timestamp with time zone,
	CONSTRAINT "operators_kind_check" CHECK ("operators"."kind" in ('key', 'jwt')),
	CONSTRAINT "operators_credential" CHECK (("operators"."kind" = 'key' and "operators"."key_hash" ~ '^[0-9a-f]{64}$' and "operators"."subject" is null)
        or ("operators"."kind" = 'jwt' and "operators"."subject" is not null and "operators"."key_hash" is null))
);
--> statement-breakpoint
ALTER TABLE "operators" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "platform_audit_log" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"operator_id" uuid NOT NULL,
	"action" text NOT NULL,
	"tenant_id" uuid,
	"request_id" text,
	"metadata" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "platform_audit_log" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "security_events" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid,
	"kind" text NOT NULL,
	"reason" text NOT NULL,
	"address" text,
	"count" integer NOT NULL,
	"first_seen_at" timestamp with time zone NOT NULL,
	"last_seen_at" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "security_events_count_positive" CHECK ("security_events"."count" > 0)
);
--> statement-breakpoint
ALTER TABLE "security_events" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "audit_log" DROP CONSTRAINT "audit_log_actor_type_check";--> statement-breakpoint
ALTER TABLE "tenants" ADD COLUMN "suspended_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "tenants" ADD COLUMN "suspension_reason" text;--> statement-breakpoint
ALTER TABLE "platform_audit_log" ADD CONSTRAINT "platform_audit_log_operator_id_operators_id_fk" FOREIGN KEY ("operator_id") REFERENCES "public"."operators"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "operators_key_hash_key" ON "operators" USING btree ("key_hash");--> statement-breakpoint
CREATE UNIQUE INDEX "operators_subject_key" ON "operators" USING btree ("subject");--> statement-breakpoint
CREATE INDEX "platform_audit_log_created_idx" ON "platform_audit_log" USING btree ("created_at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "platform_audit_log_tenant_idx" ON "platform_audit_log" USING btree ("tenant_id","created_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "security_events_tenant_idx" ON "security_events" USING btree ("tenant_id","last_seen_at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "security_events_last_seen_idx" ON "security_events" USING btree ("last_seen_at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
ALTER TABLE "audit_log" ADD CONSTRAINT "audit_log_actor_type_check" CHECK ("audit_log"."actor_type" in ('user', 'api_key', 'system', 'operator'));--> statement-breakpoint
ALTER TABLE "tenants" ADD CONSTRAINT "tenants_suspension_reason" CHECK (("tenants"."suspended_at" is null) = ("tenants"."suspension_reason" is null));--> statement-breakpoint
CREATE POLICY "api_keys_platform_select" ON "api_keys" AS PERMISSIVE FOR SELECT TO "app_platform" USING (true);--> statement-breakpoint
CREATE POLICY "audit_log_platform_select" ON "audit_log" AS PERMISSIVE FOR SELECT TO "app_platform" USING (true);--> statement-breakpoint
CREATE POLICY "companies_platform_select" ON "companies" AS PERMISSIVE FOR SELECT TO "app_platform" USING (true);--> statement-breakpoint
CREATE POLICY "memberships_platform_select" ON "memberships" AS PERMISSIVE FOR SELECT TO "app_platform" USING (true);--> statement-breakpoint
CREATE POLICY "scrape_jobs_platform_select" ON "scrape_jobs" AS PERMISSIVE FOR SELECT TO "app_platform" USING (true);--> statement-breakpoint
CREATE POLICY "tenants_platform_select" ON "tenants" AS PERMISSIVE FOR SELECT TO "app_platform" USING (true);--> statement-breakpoint
CREATE POLICY "tenants_platform_update" ON "tenants" AS PERMISSIVE FOR UPDATE TO "app_platform" USING (true) WITH CHECK (true);--> statement-breakpoint
CREATE POLICY "operators_auth_all" ON "operators" AS PERMISSIVE FOR ALL TO "app_auth" USING (true) WITH CHECK (true);--> statement-breakpoint
CREATE POLICY "operators_platform_select" ON "operators" AS PERMISSIVE FOR SELECT TO "app_platform" USING (true);--> statement-breakpoint
CREATE POLICY "platform_audit_log_platform_select" ON "platform_audit_log" AS PERMISSIVE FOR SELECT TO "app_platform" USING (true);--> statement-breakpoint
CREATE POLICY "platform_audit_log_platform_insert" ON "platform_audit_log" AS PERMISSIVE FOR INSERT TO "app_platform" WITH CHECK (true);--> statement-breakpoint
CREATE POLICY "security_events_api_select" ON "security_events" AS PERMISSIVE FOR SELECT TO "app_api" USING ("security_events"."tenant_id" = (select app.tenant_id()));--> statement-breakpoint
CREATE POLICY "security_events_platform_all" ON "security_events" AS PERMISSIVE FOR ALL TO "app_platform" USING (true) WITH CHECK (true);--> statement-breakpoint
CREATE POLICY "security_events_maintenance_update" ON "security_events" AS PERMISSIVE FOR UPDATE TO "app_maintenance" USING (true) WITH CHECK (true);--> statement-breakpoint
CREATE POLICY "security_events_maintenance_select" ON "security_events" AS PERMISSIVE FOR SELECT TO "app_maintenance" USING (true);--> statement-breakpoint
CREATE POLICY "security_events_maintenance_delete" ON "security_events" AS PERMISSIVE FOR DELETE TO "app_maintenance" USING (true);