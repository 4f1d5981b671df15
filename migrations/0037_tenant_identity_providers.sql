CREATE TABLE "tenant_identity_providers" (
	"tenant_id" uuid DEFAULT app.tenant_id() NOT NULL,
	"issuer" text NOT NULL,
	"organization_id" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "tenant_identity_providers_pkey" PRIMARY KEY("tenant_id","issuer"),
	CONSTRAINT "tenant_identity_providers_issuer_length" CHECK (length("tenant_identity_providers"."issuer") between 1 and 255),
	CONSTRAINT "tenant_identity_providers_organization_length" CHECK (length("tenant_identity_providers"."organization_id") between 1 and 64)
);
--> statement-breakpoint
ALTER TABLE "tenant_identity_providers" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE "tenant_identity_providers" ADD CONSTRAINT "tenant_identity_providers_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "tenant_identity_providers_organization_key" ON "tenant_identity_providers" USING btree ("issuer","organization_id");--> statement-breakpoint
CREATE POLICY "tenant_identity_providers_api_all" ON "tenant_identity_providers" AS PERMISSIVE FOR ALL TO "app_api" USING ("tenant_identity_providers"."tenant_id" = (select app.tenant_id())) WITH CHECK ("tenant_identity_providers"."tenant_id" = (select app.tenant_id()));--> statement-breakpoint
CREATE POLICY "tenant_identity_providers_auth_select" ON "tenant_identity_providers" AS PERMISSIVE FOR SELECT TO "app_auth" USING (true);--> statement-breakpoint
CREATE POLICY "tenant_identity_providers_maintenance_purge_select" ON "tenant_identity_providers" AS PERMISSIVE FOR SELECT TO "app_maintenance" USING ("tenant_identity_providers"."tenant_id" in (select t.id from tenants t where t.purge_started_at is not null));--> statement-breakpoint
CREATE POLICY "tenant_identity_providers_maintenance_purge_delete" ON "tenant_identity_providers" AS PERMISSIVE FOR DELETE TO "app_maintenance" USING ("tenant_identity_providers"."tenant_id" in (select t.id from tenants t where t.purge_started_at is not null));