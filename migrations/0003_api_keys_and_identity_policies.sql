CREATE TABLE "api_keys" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid NOT NULL,
	"name" text NOT NULL,
	"prefix" text NOT NULL,
	"key_hash" text NOT NULL,
	"role" text NOT NULL,
	"scopes" text[] DEFAULT '{}'::text[] NOT NULL,
	"expires_at" timestamp with time zone,
	"revoked_at" timestamp with time zone,
	"last_used_at" timestamp with time zone,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "api_keys_role_check" CHECK ("api_keys"."role" in ('admin', 'editor', 'viewer')),
	CONSTRAINT "api_keys_key_hash_format" CHECK ("api_keys"."key_hash" ~ '^[0-9a-f]{64}$')
);
--> statement-breakpoint
ALTER TABLE "api_keys" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "api_keys" ADD CONSTRAINT "api_keys_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "api_keys" ADD CONSTRAINT "api_keys_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "api_keys_key_hash_key" ON "api_keys" USING btree ("key_hash");--> statement-breakpoint
CREATE INDEX "api_keys_tenant_created_idx" ON "api_keys" USING btree ("tenant_id","created_at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE POLICY "audit_log_auth_insert" ON "audit_log" AS PERMISSIVE FOR INSERT TO "app_auth" WITH CHECK (true);--> statement-breakpoint
CREATE POLICY "memberships_api_select_own" ON "memberships" AS PERMISSIVE FOR SELECT TO "app_api" USING ((select app.tenant_id()) is null and "memberships"."user_id" = (select app.user_id()));--> statement-breakpoint
CREATE POLICY "memberships_auth_insert" ON "memberships" AS PERMISSIVE FOR INSERT TO "app_auth" WITH CHECK (true);--> statement-breakpoint
CREATE POLICY "tenants_api_select_own" ON "tenants" AS PERMISSIVE FOR SELECT TO "app_api" USING ((select app.tenant_id()) is null and "tenants"."id" in (
        select m.tenant_id from memberships m where m.user_id = (select app.user_id())));--> statement-breakpoint
CREATE POLICY "tenants_auth_insert" ON "tenants" AS PERMISSIVE FOR INSERT TO "app_auth" WITH CHECK (true);--> statement-breakpoint
CREATE POLICY "users_auth_insert" ON "users" AS PERMISSIVE FOR INSERT TO "app_auth" WITH CHECK (true);--> statement-breakpoint
CREATE POLICY "users_auth_update" ON "users" AS PERMISSIVE FOR UPDATE TO "app_auth" USING (true) WITH CHECK (true);--> statement-breakpoint
CREATE POLICY "api_keys_api_select" ON "api_keys" AS PERMISSIVE FOR SELECT TO "app_api" USING ("api_keys"."tenant_id" = (select app.tenant_id()));--> statement-breakpoint
CREATE POLICY "api_keys_api_insert" ON "api_keys" AS PERMISSIVE FOR INSERT TO "app_api" WITH CHECK ("api_keys"."tenant_id" = (select app.tenant_id()));--> statement-breakpoint
CREATE POLICY "api_keys_api_update" ON "api_keys" AS PERMISSIVE FOR UPDATE TO "app_api" USING ("api_keys"."tenant_id" = (select app.tenant_id())) WITH CHECK ("api_keys"."tenant_id" = (select app.tenant_id()));--> statement-breakpoint
CREATE POLICY "api_keys_auth_select" ON "api_keys" AS PERMISSIVE FOR SELECT TO "app_auth" USING (true);--> statement-breakpoint
CREATE POLICY "api_keys_auth_update" ON "api_keys" AS PERMISSIVE FOR UPDATE TO "app_auth" USING (true) WITH CHECK (true);