ALTER TABLE scrape_jobs FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE scrape_pages FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE company_signals FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE ON scrape_jobs TO app_api;
--> statement-breakpoint
GRANT SELECT, INSERT ON scrape_pages, company_signals TO app_api;
--> statement-breakpoint
-- The cron requeues stuck jobs (update) and purges old results (delete).
GRANT SELECT, UPDATE (status, lease_id, lease_expires_at, failure_reason, failure_detail, finished_at), DELETE
  ON scrape_jobs TO app_maintenance;
--> statement-breakpoint
GRANT SELECT, DELETE ON scrape_pages, company_signals TO app_maintenance;
--> statement-breakpoint
-- The consumer's claim functions run as app_auth: the message names a job, not a tenant.
GRANT SELECT, UPDATE (status, attempts, lease_id, lease_expires_at, started_at, finished_at, failure_reason,
  failure_detail) ON scrape_jobs TO app_auth;
--> statement-breakpoint
CREATE POLICY scrape_jobs_auth_select ON scrape_jobs FOR SELECT TO app_auth USING (true);
--> statement-breakpoint
CREATE POLICY scrape_jobs_auth_update ON scrape_jobs FOR UPDATE TO app_auth USING (true) WITH CHECK (true);
--> statement-breakpoint
CREATE TRIGGER scrape_jobs_touch_updated_at BEFORE UPDATE ON scrape_jobs
  FOR EACH ROW EXECUTE FUNCTION app.touch_updated_at();
--> statement-breakpoint
-- Requesting a scrape is a tenant's write: audited like the others.
CREATE TRIGGER scrape_jobs_audit AFTER INSERT ON scrape_jobs
  FOR EACH ROW EXECUTE FUNCTION app.audit_row_change('scrape_job');
--> statement-breakpoint
-- Takes a job for one consumer: a queued job, or a running one whose lease ran out (its consumer
-- died). Anything else (done, or running under a live lease) returns no row: a duplicate
-- delivery then does nothing.
CREATE FUNCTION app.claim_scrape_job(p_job_id uuid, p_lease_id uuid, p_lease_seconds integer)
  RETURNS TABLE (id uuid, tenant_id uuid, company_id uuid, url text, attempts integer)
  LANGUAGE sql
  SECURITY DEFINER
  SET search_path = pg_catalog, pg_temp
  AS $$
  UPDATE public.scrape_jobs j
     SET status = 'running', attempts = j.attempts + 1, lease_id = p_lease_id,
         lease_expires_at = now() + make_interval(secs => p_lease_seconds),
         started_at = coalesce(j.started_at, now()), failure_reason = NULL, failure_detail = NULL
   WHERE j.id = p_job_id
     AND (j.status = 'queued' OR (j.status = 'running' AND j.lease_expires_at < now()))
  RETURNING j.id, j.tenant_id, j.company_id, j.url, j.attempts;
$$;
--> statement-breakpoint
ALTER FUNCTION app.claim_scrape_job(uuid, uuid, integer) OWNER TO app_auth;
--> statement-breakpoint
REVOKE ALL ON FUNCTION app.claim_scrape_job(uuid, uuid, integer) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION app.claim_scrape_job(uuid, uuid, integer) TO app_api;
--> statement-breakpoint
-- Opens a transaction on behalf of the consumer holding the job's lease: the rest of the batch
-- runs as app_api under row-level security, inside the job's tenant. A lost lease (the job was
-- requeued and taken by another consumer) raises DT409 and the batch writes nothing.
CREATE FUNCTION app.resume_scrape_job(p_job_id uuid, p_lease_id uuid, p_request_id text)
  RETURNS void
  LANGUAGE plpgsql
  SECURITY DEFINER
  SET search_path = pg_catalog, pg_temp
  AS $$
DECLARE
  v_tenant_id uuid;
BEGIN
  SELECT j.tenant_id INTO v_tenant_id
    FROM public.scrape_jobs j
   WHERE j.id = p_job_id AND j.status = 'running' AND j.lease_id = p_lease_id
     FOR UPDATE;
  IF v_tenant_id IS NULL THEN
    RAISE EXCEPTION 'scrape job % is no longer held by this consumer', p_job_id USING ERRCODE = 'DT409';
  END IF;
  PERFORM set_config('app.tenant_id', v_tenant_id::text, true),
          set_config('app.role', '', true),
          set_config('app.actor_type', 'system', true),
          set_config('app.request_id', coalesce(p_request_id, ''), true);
END
$$;
--> statement-breakpoint
ALTER FUNCTION app.resume_scrape_job(uuid, uuid, text) OWNER TO app_auth;
--> statement-breakpoint
REVOKE ALL ON FUNCTION app.resume_scrape_job(uuid, uuid, text) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION app.resume_scrape_job(uuid, uuid, text) TO app_api;
--> statement-breakpoint
-- The dead-letter consumer's only write: a job whose message exhausted its retries has failed.
CREATE FUNCTION app.fail_dead_scrape_job(p_job_id uuid, p_detail text)
  RETURNS boolean
  LANGUAGE plpgsql
  SECURITY DEFINER
  SET search_path = pg_catalog, pg_temp
  AS $$
BEGIN
  UPDATE public.scrape_jobs
     SET status = 'failed', failure_reason = 'retries_exhausted', failure_detail = p_detail,
         finished_at = now(), lease_id = NULL, lease_expires_at = NULL
   WHERE id = p_job_id AND status IN ('queued', 'running');
  RETURN FOUND;
END
$$;
--> statement-breakpoint
ALTER FUNCTION app.fail_dead_scrape_job(uuid, text) OWNER TO app_auth;
--> statement-breakpoint
REVOKE ALL ON FUNCTION app.fail_dead_scrape_job(uuid, text) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION app.fail_dead_scrape_job(uuid, text) TO app_api;
