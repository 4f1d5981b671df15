-- Similar-name search ranks by whole-name trigram similarity (issue 17 §1). A name's similarity to
-- a query of Q trigrams is at most min(N, Q) / max(N, Q), where N is the name's own count of
-- distinct trigrams: so names can be visited bucket by bucket of N, best possible first, and the
-- walk stops once it holds a page of names better than any unvisited bucket could give (the
-- route, src/routes/register/similar-names.ts). The GIN index on register_name_tokens (each word of
-- the name with the name's N: 'software@21') finds one bucket's names for a word; the word list
-- keeps, per word, the N of the names that have it, so the walk skips buckets nobody is in.
-- N is capped at 400: register names are at most 160 characters, so none reaches it.
CREATE FUNCTION app.register_name_trigrams(name_key text) RETURNS smallint
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  RETURN least(cardinality(public.show_trgm(name_key)), 400);
--> statement-breakpoint
CREATE FUNCTION app.register_name_tokens(name_key text) RETURNS text[]
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  RETURN array(
    SELECT DISTINCT w || '@' || app.register_name_trigrams(name_key)
      FROM unnest(array_remove(regexp_split_to_array(name_key, '[^[:alnum:]]+'), '')) w
  );
--> statement-breakpoint
-- The loader's inserts evaluate the index expression and the word trigger as app_register.
GRANT USAGE ON SCHEMA app TO app_register;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION app.register_name_trigrams(text) TO app_api, app_register;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION app.register_name_tokens(text) TO app_api, app_register;
