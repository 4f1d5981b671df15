-- Exports (POST /v1/exports): grants, row-level security forced, and the Worker's functions for
-- the export queue's consumer and the signed download link.
ALTER TABLE export_jobs FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE export_companies FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
-- The API creates and reads exports; the consumer (as app_api, inside the job's tenant) finishes them.
GRANT SELECT, INSERT ON export_jobs TO app_api;
--> statement-breakpoint
GRANT UPDATE (status, rows_written, bytes, object_key, error, finished_at, lease_id, lease_expires_at, retry_at)
  ON export_jobs TO app_api;
--> statement-breakpoint
GRANT SELECT, INSERT, DELETE ON export_companies TO app_api;
--> statement-breakpoint
-- The claim, lease and dead-letter functions run as app_auth: the message names a job, not a tenant.
GRANT SELECT, UPDATE (status, attempts, lease_id, lease_expires_at, retry_at, started_at, finished_at, error)
  ON export_jobs TO app_auth;
--> statement-breakpoint
GRANT SELECT, DELETE ON export_companies TO app_auth;
--> statement-breakpoint
-- The maintenance cron requeues stuck and forgotten exports and purges offboarded tenants.
GRANT SELECT, UPDATE (status, lease_id, lease_expires_at, retry_at), DELETE ON export_jobs TO app_maintenance;
--> statement-breakpoint
GRANT SELECT, DELETE ON export_companies TO app_maintenance;
--> statement-breakpoint
CREATE TRIGGER export_jobs_touch_updated_at BEFORE UPDATE ON export_jobs
  FOR EACH ROW EXECUTE FUNCTION app.touch_updated_at();
--> statement-breakpoint
-- Takes an export for one consumer: a queued one, or a running one whose lease ran out (its
-- consumer died). Anything else returns no row, so a duplicate delivery does nothing.
CREATE FUNCTION app.claim_export_job(p_export_id uuid, p_lease_id uuid, p_lease_seconds integer)
  RETURNS TABLE (id uuid, tenant_id uuid, format text, include text[], row_count integer, attempts integer)
  LANGUAGE plpgsql
  SECURITY DEFINER
  SET search_path = pg_catalog, pg_temp
  AS $$
BEGIN
  IF NOT app.is_worker() THEN
    RAISE EXCEPTION 'only the Worker''s queue consumer may claim exports' USING ERRCODE = 'DT403';
  END IF;
  RETURN QUERY
  UPDATE public.export_jobs j
     SET status = 'running', attempts = j.attempts + 1, lease_id = p_lease_id,
         lease_expires_at = now() + make_interval(secs => p_lease_seconds),
         started_at = coalesce(j.started_at, now()), retry_at = NULL
   WHERE j.id = p_export_id
     AND (j.status = 'queued' OR (j.status = 'running' AND j.lease_expires_at < now()))
     AND EXISTS (SELECT 1 FROM public.tenants t WHERE t.id = j.tenant_id AND t.deleted_at IS NULL)
     AND NOT app.tenant_is_suspended(j.tenant_id)
     -- A tenant that lost the exports module keeps its exports waiting, as scrape jobs do.
     AND app.tenant_has_module(j.tenant_id, 'exports')
  RETURNING j.id, j.tenant_id, j.format, j.include, j.row_count, j.attempts;
END
$$;
--> statement-breakpoint
ALTER FUNCTION app.claim_export_job(uuid, uuid, integer) OWNER TO app_auth;
--> statement-breakpoint
REVOKE ALL ON FUNCTION app.claim_export_job(uuid, uuid, integer) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION app.claim_export_job(uuid, uuid, integer) TO app_api;
--> statement-breakpoint
-- Opens a round trip for the consumer holding the export's lease, extending the lease (each page
-- is a heartbeat): the rest of the batch runs as app_api under row-level security, inside the
-- export's tenant. A lost lease raises DT409 and the batch writes nothing.
CREATE FUNCTION app.resume_export_job(p_export_id uuid, p_lease_id uuid, p_request_id text, p_lease_seconds integer)
  RETURNS void
  LANGUAGE plpgsql
  SECURITY DEFINER
  SET search_path = pg_catalog, pg_temp
  AS $$
DECLARE
  v_tenant_id uuid;
BEGIN
  IF NOT app.is_worker() THEN
    RAISE EXCEPTION 'only the Worker''s queue consumer may resume exports' USING ERRCODE = 'DT403';
  END IF;
  UPDATE public.export_jobs j SET lease_expires_at = now() + make_interval(secs => p_lease_seconds)
    FROM public.tenants t
   WHERE j.id = p_export_id AND j.status = 'running' AND j.lease_id = p_lease_id
     AND t.id = j.tenant_id AND t.deleted_at IS NULL
  RETURNING j.tenant_id INTO v_tenant_id;
  IF v_tenant_id IS NULL THEN
    RAISE EXCEPTION 'export % is no longer held by this consumer', p_export_id USING ERRCODE = 'DT409';
  END IF;
  PERFORM app.seal_identity(v_tenant_id, NULL, NULL, NULL, 'system', NULL, coalesce(p_request_id, app.request_id()));
END
$$;
--> statement-breakpoint
ALTER FUNCTION app.resume_export_job(uuid, uuid, text, integer) OWNER TO app_auth;
--> statement-breakpoint
REVOKE ALL ON FUNCTION app.resume_export_job(uuid, uuid, text, integer) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION app.resume_export_job(uuid, uuid, text, integer) TO app_api;
--> statement-breakpoint
-- The dead-letter queue's verdict: the export failed. Its rows were counted when it was requested;
-- a failed export gives them back to the month's and the day's usage (once: only the transition
-- from queued/running does), and its list of companies goes.
CREATE FUNCTION app.fail_dead_export_job(p_export_id uuid, p_detail text)
  RETURNS boolean
  LANGUAGE plpgsql
  SECURITY DEFINER
  SET search_path = pg_catalog, pg_temp
  AS $$
DECLARE
  v_job record;
BEGIN
  IF NOT app.is_worker() THEN
    RAISE EXCEPTION 'only the Worker''s queue consumer may fail exports' USING ERRCODE = 'DT403';
  END IF;
  UPDATE public.export_jobs j
     SET status = 'failed', error = p_detail, finished_at = now(), lease_id = NULL, lease_expires_at = NULL,
         retry_at = NULL
   WHERE j.id = p_export_id AND j.status IN ('queued', 'running')
  RETURNING j.id, j.tenant_id, j.row_count, j.created_at INTO v_job;
  IF v_job.id IS NULL THEN
    RETURN false;
  END IF;
  UPDATE public.usage u SET used = greatest(u.used - v_job.row_count, 0)
   WHERE u.tenant_id = v_job.tenant_id AND u.metric = 'exported_rows'
     AND ((u.period = 'month' AND u.starts_on = date_trunc('month', v_job.created_at AT TIME ZONE 'UTC')::date)
       OR (u.period = 'day' AND u.starts_on = (v_job.created_at AT TIME ZONE 'UTC')::date));
  DELETE FROM public.export_companies c WHERE c.tenant_id = v_job.tenant_id AND c.export_id = v_job.id;
  RETURN true;
END
$$;
--> statement-breakpoint
ALTER FUNCTION app.fail_dead_export_job(uuid, text) OWNER TO app_auth;
--> statement-breakpoint
REVOKE ALL ON FUNCTION app.fail_dead_export_job(uuid, text) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION app.fail_dead_export_job(uuid, text) TO app_api;
--> statement-breakpoint
-- A download through a signed link (checked by the Worker before it calls this): the file of a
-- finished export of a live, unsuspended tenant, and an `export.downloaded` entry in that
-- tenant's audit log. No row: nothing to download.
CREATE FUNCTION app.record_export_download(p_export_id uuid, p_link_expires bigint, p_request_id text)
  RETURNS TABLE (object_key text, format text)
  LANGUAGE plpgsql
  SECURITY DEFINER
  SET search_path = pg_catalog, pg_temp
  AS $$
DECLARE
  v_job record;
BEGIN
  IF NOT app.is_worker() THEN
    RAISE EXCEPTION 'only the Worker may hand out export files' USING ERRCODE = 'DT403';
  END IF;
  SELECT j.id, j.tenant_id, j.object_key, j.format, j.rows_written, j.requested_by INTO v_job
    FROM public.export_jobs j
    JOIN public.tenants t ON t.id = j.tenant_id AND t.deleted_at IS NULL
   WHERE j.id = p_export_id AND j.status = 'succeeded' AND j.object_key IS NOT NULL
     AND NOT app.tenant_is_suspended(j.tenant_id);
  IF v_job.id IS NULL THEN
    RETURN;
  END IF;
  INSERT INTO public.audit_log (tenant_id, actor_type, actor_id, action, target_type, target_id, request_id, metadata)
  VALUES (v_job.tenant_id, 'system', NULL, 'export.downloaded', 'export', v_job.id::text, p_request_id,
          jsonb_build_object('format', v_job.format, 'rows', v_job.rows_written, 'requested_by', v_job.requested_by,
                             'link_expires_at', to_char(to_timestamp(p_link_expires) AT TIME ZONE 'UTC',
                                                        'YYYY-MM-DD"T"HH24:MI:SS"Z"')));
  RETURN QUERY SELECT v_job.object_key, v_job.format;
END
$$;
--> statement-breakpoint
ALTER FUNCTION app.record_export_download(uuid, bigint, text) OWNER TO app_auth;
--> statement-breakpoint
REVOKE ALL ON FUNCTION app.record_export_download(uuid, bigint, text) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION app.record_export_download(uuid, bigint, text) TO app_api;
