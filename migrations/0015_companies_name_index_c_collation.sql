DROP INDEX "companies_tenant_name_idx";--> statement-breakpoint
CREATE INDEX "companies_tenant_name_idx" ON "companies" USING btree ("tenant_id",(lower("name") collate "C"),"id");