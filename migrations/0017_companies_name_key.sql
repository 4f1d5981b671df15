DROP INDEX "companies_tenant_name_idx";--> statement-breakpoint
DROP INDEX "companies_tenant_name_trgm_idx";--> statement-breakpoint
ALTER TABLE "companies" ADD COLUMN "name_key" text GENERATED ALWAYS AS (lower(name)) STORED;--> statement-breakpoint
CREATE INDEX "companies_tenant_name_key_idx" ON "companies" USING btree ("tenant_id",("name_key" collate "C"),"id");--> statement-breakpoint
CREATE INDEX "companies_tenant_name_key_trgm_idx" ON "companies" USING gin ("tenant_id","name_key" gin_trgm_ops);