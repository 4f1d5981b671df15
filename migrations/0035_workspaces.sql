CREATE TABLE "workspace_companies" (
	"tenant_id" uuid DEFAULT app.tenant_id() NOT NULL,
	"workspace_id" uuid NOT NULL,
	"company_id" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "workspace_companies_pkey" PRIMARY KEY("workspace_id","company_id")
);
--> statement-breakpoint
ALTER TABLE "workspace_companies" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "workspace_members" (
	"tenant_id" uuid DEFAULT app.tenant_id() NOT NULL,
	"workspace_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "workspace_members_pkey" PRIMARY KEY("workspace_id","user_id")
);
--> statement-breakpoint
ALTER TABLE "workspace_members" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "workspaces" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"tenant_id" uuid DEFAULT app.tenant_id() NOT NULL,
	"name" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "workspaces_name_length" CHECK (length("workspaces"."name") between 1 and 100)
);
--> statement-breakpoint
ALTER TABLE "workspaces" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "memberships" ADD COLUMN "workspace_scope" text DEFAULT 'all' NOT NULL;--> statement-breakpoint
-- (Moved up by hand: the composite foreign keys below need it.)
CREATE UNIQUE INDEX "workspaces_tenant_id_key" ON "workspaces" USING btree ("tenant_id","id");--> statement-breakpoint
ALTER TABLE "workspace_companies" ADD CONSTRAINT "workspace_companies_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "workspace_companies" ADD CONSTRAINT "workspace_companies_workspace_fk" FOREIGN KEY ("tenant_id","workspace_id") REFERENCES "public"."workspaces"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "workspace_companies" ADD CONSTRAINT "workspace_companies_company_fk" FOREIGN KEY ("tenant_id","company_id") REFERENCES "public"."companies"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "workspace_members" ADD CONSTRAINT "workspace_members_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "workspace_members" ADD CONSTRAINT "workspace_members_workspace_fk" FOREIGN KEY ("tenant_id","workspace_id") REFERENCES "public"."workspaces"("tenant_id","id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "workspace_members" ADD CONSTRAINT "workspace_members_membership_fk" FOREIGN KEY ("tenant_id","user_id") REFERENCES "public"."memberships"("tenant_id","user_id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "workspaces" ADD CONSTRAINT "workspaces_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "workspace_companies_tenant_company_idx" ON "workspace_companies" USING btree ("tenant_id","company_id");--> statement-breakpoint
CREATE INDEX "workspace_members_tenant_user_idx" ON "workspace_members" USING btree ("tenant_id","user_id");--> statement-breakpoint
CREATE UNIQUE INDEX "workspaces_tenant_name_key" ON "workspaces" USING btree ("tenant_id",lower("name"));--> statement-breakpoint
ALTER TABLE "memberships" ADD CONSTRAINT "memberships_workspace_scope_check" CHECK ("memberships"."workspace_scope" in ('all', 'assigned'));--> statement-breakpoint
-- (Written by hand into the generated migration: the policies below call it.)
-- The workspaces the caller is confined to, for the policies to read once per statement as
-- `(select app.workspace_ids())`: NULL when the caller sees the whole tenant (owners, admins,
-- members with workspace_scope 'all', and identities without a user: API keys and the queue
-- consumer, which act for the tenant as a whole), else the array of the member's workspaces
-- (empty when they have none, or no membership at all). It runs as the caller, under RLS; the
-- membership it reads is the one begin_request checked in this transaction.
CREATE FUNCTION app.workspace_ids()
  RETURNS uuid[]
  LANGUAGE sql
  STABLE PARALLEL SAFE
  SET search_path = pg_catalog, pg_temp
  AS $$
  SELECT CASE
    WHEN i.user_id IS NULL THEN NULL
    WHEN m.role IS NULL THEN '{}'::uuid[]
    WHEN m.role IN ('owner', 'admin') OR m.workspace_scope = 'all' THEN NULL
    ELSE ARRAY(SELECT wm.workspace_id FROM public.workspace_members wm
                WHERE wm.tenant_id = m.tenant_id AND wm.user_id = m.user_id)
  END
  FROM (SELECT app.tenant_id() AS tenant_id, app.user_id() AS user_id) i
  LEFT JOIN public.memberships m ON m.tenant_id = i.tenant_id AND m.user_id = i.user_id
$$;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION app.workspace_ids() TO app_api;
--> statement-breakpoint
CREATE POLICY "companies_api_workspace" ON "companies" AS RESTRICTIVE FOR ALL TO "app_api" USING (((select app.workspace_ids()) is null or "companies"."id" in (
    select wc.company_id from workspace_companies wc where wc.workspace_id = any ((select app.workspace_ids())::uuid[])))) WITH CHECK (((select app.workspace_ids()) is null or "companies"."id" in (
    select wc.company_id from workspace_companies wc where wc.workspace_id = any ((select app.workspace_ids())::uuid[]))));--> statement-breakpoint
CREATE POLICY "company_signals_api_workspace" ON "company_signals" AS RESTRICTIVE FOR ALL TO "app_api" USING (((select app.workspace_ids()) is null or "company_signals"."company_id" in (
    select wc.company_id from workspace_companies wc where wc.workspace_id = any ((select app.workspace_ids())::uuid[])))) WITH CHECK (((select app.workspace_ids()) is null or "company_signals"."company_id" in (
    select wc.company_id from workspace_companies wc where wc.workspace_id = any ((select app.workspace_ids())::uuid[]))));--> statement-breakpoint
CREATE POLICY "contacts_api_workspace" ON "contacts" AS RESTRICTIVE FOR ALL TO "app_api" USING (((select app.workspace_ids()) is null or "contacts"."company_id" in (
    select wc.company_id from workspace_companies wc where wc.workspace_id = any ((select app.workspace_ids())::uuid[])))) WITH CHECK (((select app.workspace_ids()) is null or "contacts"."company_id" in (
    select wc.company_id from workspace_companies wc where wc.workspace_id = any ((select app.workspace_ids())::uuid[]))));--> statement-breakpoint
CREATE POLICY "scrape_jobs_api_workspace" ON "scrape_jobs" AS RESTRICTIVE FOR ALL TO "app_api" USING (((select app.workspace_ids()) is null or "scrape_jobs"."company_id" in (
    select wc.company_id from workspace_companies wc where wc.workspace_id = any ((select app.workspace_ids())::uuid[])))) WITH CHECK (((select app.workspace_ids()) is null or "scrape_jobs"."company_id" in (
    select wc.company_id from workspace_companies wc where wc.workspace_id = any ((select app.workspace_ids())::uuid[]))));--> statement-breakpoint
CREATE POLICY "scrape_pages_api_workspace" ON "scrape_pages" AS RESTRICTIVE FOR ALL TO "app_api" USING (((select app.workspace_ids()) is null or (select j.company_id from scrape_jobs j where j.id = "scrape_pages"."job_id") in (
    select wc.company_id from workspace_companies wc where wc.workspace_id = any ((select app.workspace_ids())::uuid[])))) WITH CHECK (((select app.workspace_ids()) is null or (select j.company_id from scrape_jobs j where j.id = "scrape_pages"."job_id") in (
    select wc.company_id from workspace_companies wc where wc.workspace_id = any ((select app.workspace_ids())::uuid[]))));--> statement-breakpoint
CREATE POLICY "workspace_companies_api_all" ON "workspace_companies" AS PERMISSIVE FOR ALL TO "app_api" USING ("workspace_companies"."tenant_id" = (select app.tenant_id())) WITH CHECK ("workspace_companies"."tenant_id" = (select app.tenant_id()));--> statement-breakpoint
CREATE POLICY "workspace_companies_maintenance_purge_select" ON "workspace_companies" AS PERMISSIVE FOR SELECT TO "app_maintenance" USING ("workspace_companies"."tenant_id" in (select t.id from tenants t where t.purge_started_at is not null));--> statement-breakpoint
CREATE POLICY "workspace_companies_maintenance_purge_delete" ON "workspace_companies" AS PERMISSIVE FOR DELETE TO "app_maintenance" USING ("workspace_companies"."tenant_id" in (select t.id from tenants t where t.purge_started_at is not null));--> statement-breakpoint
CREATE POLICY "workspace_members_api_all" ON "workspace_members" AS PERMISSIVE FOR ALL TO "app_api" USING ("workspace_members"."tenant_id" = (select app.tenant_id())) WITH CHECK ("workspace_members"."tenant_id" = (select app.tenant_id()));--> statement-breakpoint
CREATE POLICY "workspace_members_maintenance_purge_select" ON "workspace_members" AS PERMISSIVE FOR SELECT TO "app_maintenance" USING ("workspace_members"."tenant_id" in (select t.id from tenants t where t.purge_started_at is not null));--> statement-breakpoint
CREATE POLICY "workspace_members_maintenance_purge_delete" ON "workspace_members" AS PERMISSIVE FOR DELETE TO "app_maintenance" USING ("workspace_members"."tenant_id" in (select t.id from tenants t where t.purge_started_at is not null));--> statement-breakpoint
CREATE POLICY "workspaces_api_all" ON "workspaces" AS PERMISSIVE FOR ALL TO "app_api" USING ("workspaces"."tenant_id" = (select app.tenant_id())) WITH CHECK ("workspaces"."tenant_id" = (select app.tenant_id()));--> statement-breakpoint
CREATE POLICY "workspaces_api_workspace" ON "workspaces" AS RESTRICTIVE FOR ALL TO "app_api" USING ((select app.workspace_ids()) is null or "workspaces"."id" = any ((select app.workspace_ids())::uuid[])) WITH CHECK ((select app.workspace_ids()) is null or "workspaces"."id" = any ((select app.workspace_ids())::uuid[]));--> statement-breakpoint
CREATE POLICY "workspaces_maintenance_purge_select" ON "workspaces" AS PERMISSIVE FOR SELECT TO "app_maintenance" USING ("workspaces"."tenant_id" in (select t.id from tenants t where t.purge_started_at is not null));--> statement-breakpoint
CREATE POLICY "workspaces_maintenance_purge_delete" ON "workspaces" AS PERMISSIVE FOR DELETE TO "app_maintenance" USING ("workspaces"."tenant_id" in (select t.id from tenants t where t.purge_started_at is not null));