-- Events (the transactional outbox) and webhooks: row-level security forced, grants, the
-- functions that record events from triggers, and the delivery worker's functions.
ALTER TABLE events FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE webhook_endpoints FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE webhook_deliveries FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
-- The API reads its tenant's events; only the trigger functions (app_auth) write them.
GRANT SELECT ON events TO app_api;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON webhook_endpoints TO app_api;
--> statement-breakpoint
-- A manual retry sets a delivery due again; nothing else of it is the API's to change.
GRANT SELECT, UPDATE (status, next_attempt_at) ON webhook_deliveries TO app_api;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE (data) ON events TO app_auth;
--> statement-breakpoint
GRANT SELECT, UPDATE (enabled, disabled_reason, failing_since) ON webhook_endpoints TO app_auth;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE (status, attempts, next_attempt_at, lease_id, lease_expires_at, last_attempt_at,
  response_status, duration_ms, last_error) ON webhook_deliveries TO app_auth;
--> statement-breakpoint
-- Retention purges events (their deliveries go with them); the outbox sweep reads what is due;
-- offboarding empties a purged tenant's endpoints and deliveries.
GRANT SELECT, DELETE ON events, webhook_endpoints, webhook_deliveries TO app_maintenance;
--> statement-breakpoint
CREATE TRIGGER webhook_endpoints_touch_updated_at BEFORE UPDATE ON webhook_endpoints
  FOR EACH ROW EXECUTE FUNCTION app.touch_updated_at();
--> statement-breakpoint
CREATE TRIGGER webhook_deliveries_touch_updated_at BEFORE UPDATE ON webhook_deliveries
  FOR EACH ROW EXECUTE FUNCTION app.touch_updated_at();
--> statement-breakpoint
CREATE TRIGGER webhook_endpoints_audit AFTER INSERT OR DELETE OR UPDATE ON webhook_endpoints
  FOR EACH ROW EXECUTE FUNCTION app.audit_row_change('webhook_endpoint', 'names_only');
--> statement-breakpoint
-- THE way to record an event: in the caller's transaction, for a live tenant (nothing for one
-- being purged or deleted by cascade), with one delivery per enabled endpoint that wants it
-- (`webhook.test` goes only to the endpoint it names). Called from trigger functions owned by
-- app_auth; never executable by the API role, so a request cannot invent events.
CREATE FUNCTION app.emit_event(p_tenant_id uuid, p_type text, p_resource_type text, p_resource_id text, p_data jsonb)
  RETURNS void
  LANGUAGE plpgsql
  SECURITY DEFINER
  SET search_path = pg_catalog, pg_temp
  AS $$
DECLARE
  v_event_id bigint;
BEGIN
  IF NOT EXISTS (SELECT 1 FROM public.tenants t WHERE t.id = p_tenant_id AND t.purge_started_at IS NULL) THEN
    RETURN;
  END IF;
  INSERT INTO public.events (tenant_id, type, resource_type, resource_id, data, request_id)
  VALUES (p_tenant_id, p_type, p_resource_type, p_resource_id, p_data, app.request_id())
  RETURNING id INTO v_event_id;
  INSERT INTO public.webhook_deliveries (tenant_id, endpoint_id, event_id)
  SELECT e.tenant_id, e.id, v_event_id
    FROM public.webhook_endpoints e
   WHERE e.tenant_id = p_tenant_id AND e.enabled
     AND CASE WHEN p_type = 'webhook.test' THEN e.id::text = p_resource_id
              ELSE e.enabled_events && ARRAY['*', p_type] END;
END
$$;
--> statement-breakpoint
ALTER FUNCTION app.emit_event(uuid, text, text, text, jsonb) OWNER TO app_auth;
--> statement-breakpoint
REVOKE ALL ON FUNCTION app.emit_event(uuid, text, text, text, jsonb) FROM PUBLIC;
--> statement-breakpoint
-- The generic row trigger: `<resource>.created|updated|deleted|restored` with the row's ids and
-- the new values of the fields the resource shows (TG_ARGV: resource, id fields, shown fields,
-- and 'personal' for rows holding personal data: once such a row is gone for good, its earlier
-- events keep only the ids). A hard delete of a row already soft-deleted tells nothing new.
CREATE FUNCTION app.record_row_event()
  RETURNS trigger
  LANGUAGE plpgsql
  SECURITY DEFINER
  SET search_path = pg_catalog, pg_temp
  AS $$
DECLARE
  v_resource text := TG_ARGV[0];
  v_ids text[] := string_to_array(TG_ARGV[1], ',');
  v_fields text[] := string_to_array(TG_ARGV[2], ',');
  v_personal boolean := coalesce(TG_ARGV[3], '') = 'personal';
  v_old jsonb := CASE WHEN TG_OP <> 'INSERT' THEN to_jsonb(OLD) END;
  v_new jsonb := CASE WHEN TG_OP <> 'DELETE' THEN to_jsonb(NEW) END;
  v_row jsonb := coalesce(v_new, v_old);
  v_id_data jsonb;
  v_changed text[];
  v_type text;
BEGIN
  SELECT coalesce(jsonb_object_agg(k, v_row -> k), '{}'::jsonb) INTO v_id_data FROM unnest(v_ids) k;
  IF TG_OP = 'DELETE' THEN
    IF v_personal THEN
      UPDATE public.events ev SET data = v_id_data || '{"redacted": true}'::jsonb
       WHERE ev.tenant_id = (v_old ->> 'tenant_id')::uuid AND ev.resource_type = v_resource
         AND ev.resource_id = v_old ->> 'id';
    END IF;
    IF v_old ->> 'deleted_at' IS NULL THEN
      PERFORM app.emit_event((v_old ->> 'tenant_id')::uuid, v_resource || '.deleted', v_resource, v_old ->> 'id', v_id_data);
    END IF;
    RETURN NULL;
  END IF;
  IF TG_OP = 'INSERT' THEN
    PERFORM app.emit_event((v_new ->> 'tenant_id')::uuid, v_resource || '.created', v_resource, v_new ->> 'id',
      v_id_data || (SELECT coalesce(jsonb_object_agg(k, v_new -> k), '{}'::jsonb) FROM unnest(v_fields) k));
    RETURN NULL;
  END IF;
  SELECT array_agg(k ORDER BY k) INTO v_changed FROM unnest(v_fields) k WHERE v_new -> k IS DISTINCT FROM v_old -> k;
  IF v_changed IS NULL THEN
    RETURN NULL; -- bookkeeping only
  END IF;
  v_type := v_resource || '.' || CASE
    WHEN v_changed = ARRAY['deleted_at'] AND v_new ->> 'deleted_at' IS NOT NULL THEN 'deleted'
    WHEN v_changed = ARRAY['deleted_at'] THEN 'restored'
    ELSE 'updated'
  END;
  PERFORM app.emit_event((v_new ->> 'tenant_id')::uuid, v_type, v_resource, v_new ->> 'id',
    v_id_data || (SELECT jsonb_object_agg(k, v_new -> k) FROM unnest(v_changed) k)
      || jsonb_build_object('changed', to_jsonb(v_changed)));
  RETURN NULL;
END
$$;
--> statement-breakpoint
ALTER FUNCTION app.record_row_event() OWNER TO app_auth;
--> statement-breakpoint
REVOKE ALL ON FUNCTION app.record_row_event() FROM PUBLIC;
--> statement-breakpoint
CREATE TRIGGER companies_events AFTER INSERT OR DELETE OR UPDATE ON companies
  FOR EACH ROW EXECUTE FUNCTION app.record_row_event('company', 'id',
    'name,company_number,status,type,date_of_creation,date_of_cessation,jurisdiction,sic_codes,registered_office,website,domain,tags,source,source_ref,fetched_at,created_at,deleted_at');
--> statement-breakpoint
CREATE TRIGGER contacts_events AFTER INSERT OR DELETE OR UPDATE ON contacts
  FOR EACH ROW EXECUTE FUNCTION app.record_row_event('contact', 'id,company_id',
    'name,job_title,email,phone,lawful_basis,source,source_url,source_ref,collected_at,created_at,deleted_at', 'personal');
--> statement-breakpoint
-- Companies House wrote the company (an import or a refresh): `company.imported`, besides the
-- row's own created/updated event.
CREATE FUNCTION app.record_import_event()
  RETURNS trigger
  LANGUAGE plpgsql
  SECURITY DEFINER
  SET search_path = pg_catalog, pg_temp
  AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND NEW.fetched_at IS NOT DISTINCT FROM OLD.fetched_at THEN
    RETURN NULL;
  END IF;
  PERFORM app.emit_event(NEW.tenant_id, 'company.imported', 'company', NEW.id::text,
    jsonb_build_object('id', NEW.id, 'company_number', NEW.company_number, 'fetched_at', NEW.fetched_at,
                       'created', TG_OP = 'INSERT'));
  RETURN NULL;
END
$$;
--> statement-breakpoint
ALTER FUNCTION app.record_import_event() OWNER TO app_auth;
--> statement-breakpoint
REVOKE ALL ON FUNCTION app.record_import_event() FROM PUBLIC;
--> statement-breakpoint
CREATE TRIGGER companies_import_events AFTER INSERT OR UPDATE OF fetched_at ON companies
  FOR EACH ROW WHEN (NEW.source = 'companies_house' AND NEW.fetched_at IS NOT NULL)
  EXECUTE FUNCTION app.record_import_event();
--> statement-breakpoint
CREATE FUNCTION app.record_scrape_job_event()
  RETURNS trigger
  LANGUAGE plpgsql
  SECURITY DEFINER
  SET search_path = pg_catalog, pg_temp
  AS $$
BEGIN
  PERFORM app.emit_event(NEW.tenant_id, 'scrape_job.' || NEW.status, 'scrape_job', NEW.id::text,
    jsonb_build_object('id', NEW.id, 'company_id', NEW.company_id, 'status', NEW.status, 'attempts', NEW.attempts,
                       'pages_fetched', NEW.pages_fetched, 'failure_reason', NEW.failure_reason,
                       'finished_at', NEW.finished_at));
  RETURN NULL;
END
$$;
--> statement-breakpoint
ALTER FUNCTION app.record_scrape_job_event() OWNER TO app_auth;
--> statement-breakpoint
REVOKE ALL ON FUNCTION app.record_scrape_job_event() FROM PUBLIC;
--> statement-breakpoint
CREATE TRIGGER scrape_jobs_events AFTER UPDATE OF status ON scrape_jobs
  FOR EACH ROW WHEN (NEW.status IN ('succeeded', 'failed') AND OLD.status IS DISTINCT FROM NEW.status)
  EXECUTE FUNCTION app.record_scrape_job_event();
--> statement-breakpoint
-- Members by user id and role only: the person's name and email are theirs, not the event's.
CREATE FUNCTION app.record_member_event()
  RETURNS trigger
  LANGUAGE plpgsql
  SECURITY DEFINER
  SET search_path = pg_catalog, pg_temp
  AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    PERFORM app.emit_event(NEW.tenant_id, 'member.added', 'member', NEW.user_id::text,
      jsonb_build_object('user_id', NEW.user_id, 'role', NEW.role));
  ELSIF TG_OP = 'DELETE' THEN
    PERFORM app.emit_event(OLD.tenant_id, 'member.removed', 'member', OLD.user_id::text,
      jsonb_build_object('user_id', OLD.user_id));
  ELSIF NEW.role IS DISTINCT FROM OLD.role THEN
    PERFORM app.emit_event(NEW.tenant_id, 'member.updated', 'member', NEW.user_id::text,
      jsonb_build_object('user_id', NEW.user_id, 'role', NEW.role, 'changed', jsonb_build_array('role')));
  END IF;
  RETURN NULL;
END
$$;
--> statement-breakpoint
ALTER FUNCTION app.record_member_event() OWNER TO app_auth;
--> statement-breakpoint
REVOKE ALL ON FUNCTION app.record_member_event() FROM PUBLIC;
--> statement-breakpoint
CREATE TRIGGER memberships_events AFTER INSERT OR DELETE OR UPDATE ON memberships
  FOR EACH ROW EXECUTE FUNCTION app.record_member_event();
--> statement-breakpoint
-- The erasure's receipt, which holds no personal data: no hash, no identifier, only counts.
CREATE FUNCTION app.record_erasure_event()
  RETURNS trigger
  LANGUAGE plpgsql
  SECURITY DEFINER
  SET search_path = pg_catalog, pg_temp
  AS $$
BEGIN
  PERFORM app.emit_event(NEW.tenant_id, 'privacy.erased', 'erasure', NEW.id::text,
    jsonb_build_object('receipt_id', NEW.id, 'subject_kind', NEW.subject_kind, 'counts', NEW.counts,
                       'erased_at', NEW.erased_at));
  RETURN NULL;
END
$$;
--> statement-breakpoint
ALTER FUNCTION app.record_erasure_event() OWNER TO app_auth;
--> statement-breakpoint
REVOKE ALL ON FUNCTION app.record_erasure_event() FROM PUBLIC;
--> statement-breakpoint
CREATE TRIGGER erasure_receipts_events AFTER INSERT ON erasure_receipts
  FOR EACH ROW EXECUTE FUNCTION app.record_erasure_event();
--> statement-breakpoint
-- `POST /v1/webhook-endpoints/{id}/test`: a webhook.test event for that endpoint alone, as the
-- caller (an admin of the endpoint's tenant, which row-level security of the look-up ensures).
CREATE FUNCTION app.send_test_event(p_endpoint_id uuid)
  RETURNS uuid
  LANGUAGE plpgsql
  SECURITY DEFINER
  SET search_path = pg_catalog, pg_temp
  AS $$
DECLARE
  v_tenant_id uuid := app.tenant_id();
  v_delivery_id uuid;
BEGIN
  IF v_tenant_id IS NULL OR app.role_rank(app.role()) < app.role_rank('admin') THEN
    RAISE EXCEPTION 'test events need the admin role' USING ERRCODE = 'DT403';
  END IF;
  PERFORM 1 FROM public.webhook_endpoints e WHERE e.id = p_endpoint_id AND e.tenant_id = v_tenant_id AND e.enabled;
  IF NOT FOUND THEN
    RETURN NULL;
  END IF;
  PERFORM app.emit_event(v_tenant_id, 'webhook.test', 'webhook_endpoint', p_endpoint_id::text,
    jsonb_build_object('endpoint_id', p_endpoint_id));
  SELECT d.id INTO v_delivery_id FROM public.webhook_deliveries d
   WHERE d.endpoint_id = p_endpoint_id AND d.txid = pg_current_xact_id()
   ORDER BY d.created_at DESC LIMIT 1;
  RETURN v_delivery_id;
END
$$;
--> statement-breakpoint
ALTER FUNCTION app.send_test_event(uuid) OWNER TO app_auth;
--> statement-breakpoint
REVOKE ALL ON FUNCTION app.send_test_event(uuid) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION app.send_test_event(uuid) TO app_api;
--> statement-breakpoint
-- The delivery consumer takes a due, pending delivery under a lease (a duplicate queue message
-- then gets no row) and gets what it needs to send it: the endpoint, its secrets (encrypted by
-- the Worker), the event. Only for the Worker's own identity; a deleted tenant's are held.
CREATE FUNCTION app.claim_webhook_delivery(p_delivery_id uuid, p_lease_id uuid, p_lease_seconds integer)
  RETURNS TABLE (id uuid, tenant_id uuid, endpoint_id uuid, url text, secret text, previous_secret text,
                 attempts integer, event_id text, event_type text, event_created_at timestamptz, event_data jsonb)
  LANGUAGE plpgsql
  SECURITY DEFINER
  SET search_path = pg_catalog, pg_temp
  AS $$
BEGIN
  IF NOT app.is_worker() THEN
    RAISE EXCEPTION 'only the Worker''s queue consumer may claim webhook deliveries' USING ERRCODE = 'DT403';
  END IF;
  RETURN QUERY
  WITH claimed AS (
    UPDATE public.webhook_deliveries d
       SET lease_id = p_lease_id, lease_expires_at = now() + make_interval(secs => p_lease_seconds)
     WHERE d.id = p_delivery_id AND d.status = 'pending'
       AND d.next_attempt_at <= now() + interval '30 seconds'
       AND (d.lease_expires_at IS NULL OR d.lease_expires_at < now())
       AND EXISTS (SELECT 1 FROM public.webhook_endpoints e JOIN public.tenants t ON t.id = e.tenant_id
                    WHERE e.id = d.endpoint_id AND e.enabled AND t.deleted_at IS NULL)
    RETURNING d.id, d.tenant_id, d.endpoint_id, d.event_id, d.attempts
  )
  SELECT c.id, c.tenant_id, c.endpoint_id, e.url, e.secret,
         CASE WHEN e.previous_secret_expires_at > now() THEN e.previous_secret END,
         c.attempts, 'evt_' || ev.txid::text || '_' || ev.id::text, ev.type, ev.created_at, ev.data
    FROM claimed c
    JOIN public.webhook_endpoints e ON e.id = c.endpoint_id
    JOIN public.events ev ON ev.id = c.event_id;
END
$$;
--> statement-breakpoint
ALTER FUNCTION app.claim_webhook_delivery(uuid, uuid, integer) OWNER TO app_auth;
--> statement-breakpoint
REVOKE ALL ON FUNCTION app.claim_webhook_delivery(uuid, uuid, integer) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION app.claim_webhook_delivery(uuid, uuid, integer) TO app_api;
--> statement-breakpoint
-- One attempt's outcome, under the claim's lease. `succeeded`: done, the endpoint is healthy
-- again. `retry`: due again after p_retry_seconds, or failed for good when that is NULL (the
-- schedule is over). `gone` (HTTP 410): failed, and the endpoint disabled. An endpoint failing
-- for five days is disabled too; both tell `webhook_endpoint.disabled` to the other endpoints.
-- Returns the delivery's status and next attempt, and the deliveries this transaction made (of
-- that event) for the Worker to queue; no row when the lease was lost.
CREATE FUNCTION app.record_webhook_attempt(p_delivery_id uuid, p_lease_id uuid, p_outcome text,
    p_response_status integer, p_duration_ms integer, p_error text, p_retry_seconds integer)
  RETURNS TABLE (status text, next_attempt_at timestamptz, spawned uuid[])
  LANGUAGE plpgsql
  SECURITY DEFINER
  SET search_path = pg_catalog, pg_temp
  AS $$
DECLARE
  v_endpoint public.webhook_endpoints%ROWTYPE;
  v_delivery public.webhook_deliveries%ROWTYPE;
  v_disable text;
BEGIN
  IF NOT app.is_worker() THEN
    RAISE EXCEPTION 'only the Worker''s queue consumer may record webhook attempts' USING ERRCODE = 'DT403';
  END IF;
  IF p_outcome NOT IN ('succeeded', 'retry', 'gone') THEN
    RAISE EXCEPTION 'unknown attempt outcome %', p_outcome USING ERRCODE = '22023';
  END IF;
  UPDATE public.webhook_deliveries d
     SET attempts = d.attempts + 1, last_attempt_at = now(), response_status = p_response_status,
         duration_ms = p_duration_ms, last_error = left(p_error, 1000), lease_id = NULL, lease_expires_at = NULL,
         status = CASE WHEN p_outcome = 'succeeded' THEN 'succeeded'
                       WHEN p_outcome = 'retry' AND p_retry_seconds IS NOT NULL THEN 'pending'
                       ELSE 'failed' END,
         next_attempt_at = CASE WHEN p_outcome = 'retry' AND p_retry_seconds IS NOT NULL
                                THEN now() + make_interval(secs => p_retry_seconds) END
   WHERE d.id = p_delivery_id AND d.lease_id = p_lease_id
  RETURNING * INTO v_delivery;
  IF NOT FOUND THEN
    RETURN;
  END IF;
  SELECT * INTO v_endpoint FROM public.webhook_endpoints e WHERE e.id = v_delivery.endpoint_id FOR UPDATE;
  IF p_outcome = 'succeeded' THEN
    UPDATE public.webhook_endpoints e SET failing_since = NULL WHERE e.id = v_endpoint.id AND e.failing_since IS NOT NULL;
  ELSE
    v_disable := CASE
      WHEN p_outcome = 'gone' THEN 'gone'
      WHEN v_endpoint.failing_since < now() - interval '5 days' THEN 'failing'
    END;
    UPDATE public.webhook_endpoints e
       SET failing_since = coalesce(e.failing_since, now()),
           enabled = CASE WHEN v_disable IS NULL THEN e.enabled ELSE false END,
           disabled_reason = coalesce(v_disable, e.disabled_reason)
     WHERE e.id = v_endpoint.id;
    IF v_disable IS NOT NULL AND v_endpoint.enabled THEN
      PERFORM app.emit_event(v_endpoint.tenant_id, 'webhook_endpoint.disabled', 'webhook_endpoint', v_endpoint.id::text,
        jsonb_build_object('id', v_endpoint.id, 'url', v_endpoint.url, 'reason', v_disable,
                           'failing_since', coalesce(v_endpoint.failing_since, now())));
    END IF;
  END IF;
  RETURN QUERY SELECT v_delivery.status, v_delivery.next_attempt_at,
    (SELECT coalesce(array_agg(d.id), '{}') FROM public.webhook_deliveries d
      WHERE d.txid = pg_current_xact_id() AND d.status = 'pending');
END
$$;
--> statement-breakpoint
ALTER FUNCTION app.record_webhook_attempt(uuid, uuid, text, integer, integer, text, integer) OWNER TO app_auth;
--> statement-breakpoint
REVOKE ALL ON FUNCTION app.record_webhook_attempt(uuid, uuid, text, integer, integer, text, integer) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION app.record_webhook_attempt(uuid, uuid, text, integer, integer, text, integer) TO app_api;
