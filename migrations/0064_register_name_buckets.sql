-- (drizzle-kit generated; the DROP INDEX moved last by hand, as in 0057: its exclusive lock on
-- register_companies then lasts only to the commit, not through the GIN build.)
ALTER TABLE "register_name_words" ADD COLUMN "trigram_counts" smallint[] DEFAULT '{}'::smallint[] NOT NULL;--> statement-breakpoint
CREATE INDEX "register_companies_name_tokens_idx" ON "register_companies" USING gin (app.register_name_tokens(name_key)) WITH (fastupdate=false);--> statement-breakpoint
CREATE POLICY "register_name_words_loader_update" ON "register_name_words" AS PERMISSIVE FOR UPDATE TO "app_register" USING (true) WITH CHECK (true);--> statement-breakpoint
DROP INDEX "register_companies_name_words_idx";
