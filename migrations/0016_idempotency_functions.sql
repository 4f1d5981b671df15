-- Idempotency-Key for any POST, in the request's own round trip. The batch claims the key first
-- (a pending row: status NULL, visible only to this transaction), does its work, then stores the
-- response it would send. A key already used raises DTREP, which rolls the whole batch back; the
-- Worker then reads the stored response and replays it (or answers 422 for another body). A key
-- whose first use is still running raises DTRUN at once (409, as the IETF draft asks): the
-- transaction-scoped advisory lock says so without waiting for it. Both run as the caller, under RLS.
CREATE FUNCTION app.claim_idempotency_key(p_key text, p_request_hash text)
  RETURNS void
  LANGUAGE plpgsql
  SET search_path = pg_catalog, pg_temp
  AS $$
BEGIN
  IF p_key IS NULL THEN
    RETURN;
  END IF;
  IF NOT pg_try_advisory_xact_lock(hashtextextended(app.tenant_id()::text || ':' || p_key, 0)) THEN
    RAISE EXCEPTION 'idempotency key in use by a running request' USING ERRCODE = 'DTRUN';
  END IF;
  -- An expired key may be used again.
  DELETE FROM public.idempotency_keys WHERE key = p_key AND expires_at <= now();
  PERFORM 1 FROM public.idempotency_keys WHERE key = p_key;
  IF FOUND THEN
    RAISE EXCEPTION 'idempotency key already used' USING ERRCODE = 'DTREP';
  END IF;
  INSERT INTO public.idempotency_keys (key, request_hash) VALUES (p_key, p_request_hash);
END
$$;
--> statement-breakpoint
-- A NULL body means the request produced nothing worth replaying (e.g. a 409 decided from data):
-- the claim is dropped so that a retry does the work again.
CREATE FUNCTION app.remember_idempotent_response(p_key text, p_status integer, p_body jsonb)
  RETURNS void
  LANGUAGE sql
  SET search_path = pg_catalog, pg_temp
  AS $$
  DELETE FROM public.idempotency_keys WHERE p_body IS NULL AND key = p_key AND status IS NULL;
  UPDATE public.idempotency_keys SET status = p_status, response = p_body
   WHERE p_body IS NOT NULL AND key = p_key AND status IS NULL;
$$;
--> statement-breakpoint
REVOKE ALL ON FUNCTION app.claim_idempotency_key(text, text) FROM PUBLIC;
--> statement-breakpoint
REVOKE ALL ON FUNCTION app.remember_idempotent_response(text, integer, jsonb) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION app.claim_idempotency_key(text, text) TO app_api;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION app.remember_idempotent_response(text, integer, jsonb) TO app_api;
