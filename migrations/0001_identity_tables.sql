CREATE TABLE "audit_log" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid DEFAULT app.tenant_id() NOT NULL,
	"actor_type" text DEFAULT app.actor_type() NOT NULL,
	"actor_id" uuid DEFAULT app.actor_id(),
	"action" text NOT NULL,
	"target_type" text,
	"target_id" text,
	"request_id" text DEFAULT app.request_id(),
	"metadata" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "audit_log_actor_type_check" CHECK ("audit_log"."actor_type" in ('user', 'api_key', 'system'))
);
--> statement-breakpoint
ALTER TABLE "audit_log" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "memberships" (
	"tenant_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"role" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "memberships_pkey" PRIMARY KEY("tenant_id","user_id"),
	CONSTRAINT "memberships_role_check" CHECK ("memberships"."role" in ('owner', 'admin', 'editor', 'viewer'))
);
--> statement-breakpoint
ALTER TABLE "memberships" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "tenants" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"slug" text NOT NULL,
	"name" text NOT NULL,
	"plan" text DEFAULT 'free' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"deleted_at" timestamp with time zone,
	CONSTRAINT "tenants_plan_check" CHECK ("tenants"."plan" in ('free', 'pro', 'enterprise')),
	CONSTRAINT "tenants_slug_format" CHECK ("tenants"."slug" ~ '^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$')
);
--> statement-breakpoint
ALTER TABLE "tenants" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "users" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"subject" text NOT NULL,
	"email" text,
	"name" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"deleted_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "users" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "audit_log" ADD CONSTRAINT "audit_log_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "memberships" ADD CONSTRAINT "memberships_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "memberships" ADD CONSTRAINT "memberships_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "audit_log_tenant_created_idx" ON "audit_log" USING btree ("tenant_id","created_at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "audit_log_tenant_target_idx" ON "audit_log" USING btree ("tenant_id","target_type","target_id");--> statement-breakpoint
CREATE INDEX "memberships_user_id_idx" ON "memberships" USING btree ("user_id");--> statement-breakpoint
CREATE UNIQUE INDEX "tenants_slug_key" ON "tenants" USING btree ("slug");--> statement-breakpoint
CREATE UNIQUE INDEX "users_subject_key" ON "users" USING btree ("subject");--> statement-breakpoint
CREATE INDEX "users_email_idx" ON "users" USING btree (lower("email"));--> statement-breakpoint
CREATE POLICY "audit_log_api_select" ON "audit_log" AS PERMISSIVE FOR SELECT TO "app_api" USING ("audit_log"."tenant_id" = (select app.tenant_id()));--> statement-breakpoint
CREATE POLICY "audit_log_api_insert" ON "audit_log" AS PERMISSIVE FOR INSERT TO "app_api" WITH CHECK ("audit_log"."tenant_id" = (select app.tenant_id()));--> statement-breakpoint
CREATE POLICY "audit_log_maintenance_select" ON "audit_log" AS PERMISSIVE FOR SELECT TO "app_maintenance" USING (true);--> statement-breakpoint
CREATE POLICY "audit_log_maintenance_delete" ON "audit_log" AS PERMISSIVE FOR DELETE TO "app_maintenance" USING (true);--> statement-breakpoint
CREATE POLICY "memberships_api_all" ON "memberships" AS PERMISSIVE FOR ALL TO "app_api" USING ("memberships"."tenant_id" = (select app.tenant_id())) WITH CHECK ("memberships"."tenant_id" = (select app.tenant_id()));--> statement-breakpoint
CREATE POLICY "memberships_auth_select" ON "memberships" AS PERMISSIVE FOR SELECT TO "app_auth" USING (true);--> statement-breakpoint
CREATE POLICY "tenants_api_select" ON "tenants" AS PERMISSIVE FOR SELECT TO "app_api" USING ("tenants"."id" = (select app.tenant_id()));--> statement-breakpoint
CREATE POLICY "tenants_api_update" ON "tenants" AS PERMISSIVE FOR UPDATE TO "app_api" USING ("tenants"."id" = (select app.tenant_id())) WITH CHECK ("tenants"."id" = (select app.tenant_id()));--> statement-breakpoint
CREATE POLICY "tenants_auth_select" ON "tenants" AS PERMISSIVE FOR SELECT TO "app_auth" USING (true);--> statement-breakpoint
CREATE POLICY "tenants_maintenance_select" ON "tenants" AS PERMISSIVE FOR SELECT TO "app_maintenance" USING (true);--> statement-breakpoint
CREATE POLICY "users_api_select" ON "users" AS PERMISSIVE FOR SELECT TO "app_api" USING ("users"."id" = (select app.user_id()) or "users"."id" in (
        select m.user_id from memberships m where m.tenant_id = (select app.tenant_id())));--> statement-breakpoint
CREATE POLICY "users_auth_select" ON "users" AS PERMISSIVE FOR SELECT TO "app_auth" USING (true);--> statement-breakpoint
CREATE POLICY "users_api_update_self" ON "users" AS PERMISSIVE FOR UPDATE TO "app_api" USING ("users"."id" = (select app.user_id())) WITH CHECK ("users"."id" = (select app.user_id()));