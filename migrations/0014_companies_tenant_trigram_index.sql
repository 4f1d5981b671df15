DROP INDEX "companies_name_trgm_idx";--> statement-breakpoint
CREATE INDEX "companies_tenant_name_trgm_idx" ON "companies" USING gin ("tenant_id",lower("name") gin_trgm_ops);