-- (drizzle-kit generated; the DROP INDEX moved last by hand: it takes an exclusive lock on
-- register_companies, which then lasts only to the commit, not through the GIN build.)
CREATE TABLE "register_name_words" (
	"word" text PRIMARY KEY NOT NULL
);
--> statement-breakpoint
ALTER TABLE "register_name_words" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE INDEX "register_name_words_trgm_idx" ON "register_name_words" USING gist ("word" gist_trgm_ops);--> statement-breakpoint
CREATE INDEX "register_companies_name_words_idx" ON "register_companies" USING gin (array_remove(regexp_split_to_array(name_key, '[^[:alnum:]]+'), '')) WITH (fastupdate=false);--> statement-breakpoint
CREATE POLICY "register_name_words_read" ON "register_name_words" AS PERMISSIVE FOR SELECT TO "app_api", "app_register" USING (true);--> statement-breakpoint
CREATE POLICY "register_name_words_loader_insert" ON "register_name_words" AS PERMISSIVE FOR INSERT TO "app_register" WITH CHECK (true);--> statement-breakpoint
DROP INDEX "register_companies_name_trgm_idx";
