-- The word list's trigram buckets (see 0063): for each word, the distinct trigram counts (N) of
-- the names that have it, kept by the same statement triggers as the words themselves. Counts
-- are only ever added: a bucket whose names are gone costs the search one empty index probe.
CREATE OR REPLACE FUNCTION app.register_name_words_add() RETURNS trigger
  LANGUAGE plpgsql
  SET search_path TO 'pg_catalog', 'pg_temp'
AS $$
BEGIN
  -- An update adds words only when the name changed: the loader's "seen" marking rewrites every
  -- unchanged row each month.
  IF TG_OP = 'UPDATE' THEN
    INSERT INTO public.register_name_words AS known (word, trigram_counts)
    SELECT w, array_agg(DISTINCT app.register_name_trigrams(n.name_key))
      FROM new_rows n JOIN old_rows o USING (company_number),
           unnest(array_remove(regexp_split_to_array(n.name_key, '[^[:alnum:]]+'), '')) w
     WHERE n.name_key IS DISTINCT FROM o.name_key
     GROUP BY w
    ON CONFLICT (word) DO UPDATE
      SET trigram_counts = ARRAY(SELECT DISTINCT c FROM unnest(known.trigram_counts || excluded.trigram_counts) c)
      WHERE NOT excluded.trigram_counts <@ known.trigram_counts;
  ELSE
    INSERT INTO public.register_name_words AS known (word, trigram_counts)
    SELECT w, array_agg(DISTINCT app.register_name_trigrams(n.name_key))
      FROM new_rows n, unnest(array_remove(regexp_split_to_array(n.name_key, '[^[:alnum:]]+'), '')) w
     GROUP BY w
    ON CONFLICT (word) DO UPDATE
      SET trigram_counts = ARRAY(SELECT DISTINCT c FROM unnest(known.trigram_counts || excluded.trigram_counts) c)
      WHERE NOT excluded.trigram_counts <@ known.trigram_counts;
  END IF;
  RETURN NULL;
END
$$;
--> statement-breakpoint
GRANT UPDATE (trigram_counts) ON register_name_words TO app_register;
--> statement-breakpoint
INSERT INTO register_name_words AS known (word, trigram_counts)
SELECT w, array_agg(DISTINCT app.register_name_trigrams(name_key))
  FROM register_companies, unnest(array_remove(regexp_split_to_array(name_key, '[^[:alnum:]]+'), '')) w
 GROUP BY w
ON CONFLICT (word) DO UPDATE SET trigram_counts = excluded.trigram_counts;
--> statement-breakpoint
-- The API's statements are short, but a recursive walk such as similar-name search's has row
-- estimates the planner cannot know, and a cost over jit_above_cost made Postgres spend 40-60 ms
-- compiling a 5 ms query. Nothing the API runs reads enough rows for JIT to pay back.
ALTER ROLE app_api SET jit = off;
