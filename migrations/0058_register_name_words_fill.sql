-- The word list of similar-name search (issue 17 §1): register_name_words holds every distinct
-- word of register names, kept by statement-level triggers on register_companies (any writer:
-- the loader as app_register, migrations), filled here from the rows already loaded. The words
-- are those of the GIN index register_companies_name_words_idx (NAME_WORDS in
-- src/db/schema/register.ts; the expression is repeated below). An update adds words only when
-- the name changed: the loader's "seen" marking rewrites every unchanged row each month.
CREATE FUNCTION app.register_name_words_add() RETURNS trigger
  LANGUAGE plpgsql
  SET search_path TO 'pg_catalog', 'pg_temp'
AS $$
BEGIN
  IF TG_OP = 'UPDATE' THEN
    INSERT INTO public.register_name_words (word)
    SELECT DISTINCT w
      FROM new_rows n JOIN old_rows o USING (company_number),
           unnest(array_remove(regexp_split_to_array(n.name_key, '[^[:alnum:]]+'), '')) w
     WHERE n.name_key IS DISTINCT FROM o.name_key
    ON CONFLICT DO NOTHING;
  ELSE
    INSERT INTO public.register_name_words (word)
    SELECT DISTINCT w
      FROM new_rows n, unnest(array_remove(regexp_split_to_array(n.name_key, '[^[:alnum:]]+'), '')) w
    ON CONFLICT DO NOTHING;
  END IF;
  RETURN NULL;
END
$$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION app.register_name_words_add() FROM PUBLIC;
--> statement-breakpoint
CREATE TRIGGER register_companies_words_insert AFTER INSERT ON register_companies
  REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION app.register_name_words_add();
--> statement-breakpoint
CREATE TRIGGER register_companies_words_update AFTER UPDATE ON register_companies
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION app.register_name_words_add();
--> statement-breakpoint
ALTER TABLE register_name_words FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
GRANT SELECT ON register_name_words TO app_api;
--> statement-breakpoint
GRANT SELECT, INSERT ON register_name_words TO app_register;
--> statement-breakpoint
INSERT INTO register_name_words (word)
SELECT DISTINCT w
  FROM register_companies, unnest(array_remove(regexp_split_to_array(name_key, '[^[:alnum:]]+'), '')) w
ON CONFLICT DO NOTHING;
