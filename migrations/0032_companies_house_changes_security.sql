ALTER TABLE company_changes FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
-- Changes are append-only: the API reads them and its Companies House writes add them (through
-- app.record_company_changes); the cron's maintenance role reads and purges.
GRANT SELECT, INSERT ON company_changes TO app_api;
--> statement-breakpoint
GRANT SELECT, DELETE ON company_changes TO app_maintenance;
--> statement-breakpoint
-- Companies fetched before this migration were last asked about when they were fetched.
UPDATE companies SET checked_at = fetched_at WHERE fetched_at IS NOT NULL;
--> statement-breakpoint
-- What a fetch saw of the company's people, as suppression's salted hashes of their Companies House
-- references (no names of people): officers in office and PSCs still in control. `p_incoming` is the fetch
-- as src/companies-house/import-statements.ts builds it.
CREATE FUNCTION app.companies_house_state(p_tenant_id uuid, p_incoming jsonb)
  RETURNS jsonb
  LANGUAGE sql
  IMMUTABLE PARALLEL SAFE
  SET search_path = pg_catalog, pg_temp
  AS $$
  SELECT jsonb_build_object(
    'officers', (SELECT coalesce(jsonb_agg(DISTINCT app.subject_hash(p_tenant_id, 'ref', o ->> 'ref')), '[]'::jsonb)
                   FROM jsonb_array_elements(p_incoming -> 'officers') o WHERE o ->> 'resigned_on' IS NULL),
    'pscs', (SELECT coalesce(jsonb_agg(DISTINCT app.subject_hash(p_tenant_id, 'ref', p ->> 'ref')), '[]'::jsonb)
               FROM jsonb_array_elements(p_incoming -> 'pscs') p WHERE p ->> 'ceased_on' IS NULL),
    -- Legal-entity PSCs are no people: their names are kept, so a change can say who left.
    'psc_names', (SELECT coalesce(jsonb_object_agg(app.subject_hash(p_tenant_id, 'ref', p ->> 'ref'), p ->> 'name'), '{}'::jsonb)
                    FROM jsonb_array_elements(p_incoming -> 'pscs') p
                   WHERE p ->> 'ceased_on' IS NULL AND p ->> 'name' IS NOT NULL))
$$;
--> statement-breakpoint
REVOKE EXECUTE ON FUNCTION app.companies_house_state(uuid, jsonb) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION app.companies_house_state(uuid, jsonb) TO app_api;
--> statement-breakpoint
-- THE place where changes are recorded (an import, a refresh, the scheduled refresh all call it,
-- before they write the fetch): compares the stored company with the fresh fetch and inserts one
-- company_changes row per difference, returning them. A company without a baseline (never fetched
-- with people hashes, or deleted) gets none. Runs as the caller, under row-level security.
CREATE FUNCTION app.record_company_changes(p_company_number text, p_incoming jsonb)
  RETURNS SETOF company_changes
  LANGUAGE sql
  SET search_path = pg_catalog, pg_temp
  AS $$
  WITH company AS (
    SELECT c.* FROM public.companies c
     WHERE c.company_number = p_company_number AND c.deleted_at IS NULL AND c.companies_house_state IS NOT NULL
  ), people AS (
    SELECT 'officer' AS kind, app.subject_hash(company.tenant_id, 'ref', o ->> 'ref') AS hash,
           o ->> 'resigned_on' IS NULL AS current,
           jsonb_strip_nulls(jsonb_build_object('role', o -> 'role', 'appointed_on', o -> 'appointed_on',
             'resigned_on', o -> 'resigned_on')) AS details
      FROM company, jsonb_array_elements(p_incoming -> 'officers') o
    UNION ALL
    SELECT 'psc', app.subject_hash(company.tenant_id, 'ref', p ->> 'ref'), p ->> 'ceased_on' IS NULL,
           jsonb_strip_nulls(jsonb_build_object('kind', p -> 'kind', 'name', p -> 'name',
             'natures_of_control', p -> 'natures_of_control', 'notified_on', p -> 'notified_on',
             'ceased_on', p -> 'ceased_on'))
      FROM company, jsonb_array_elements(p_incoming -> 'pscs') p
  ), before AS (
    SELECT 'officer' AS kind, h AS hash FROM company, jsonb_array_elements_text(company.companies_house_state -> 'officers') h
    UNION ALL
    SELECT 'psc', h FROM company, jsonb_array_elements_text(company.companies_house_state -> 'pscs') h
  ), detected (type, details, subject_hash) AS (
    SELECT CASE p.kind WHEN 'officer' THEN 'officer_appointed' ELSE 'psc_added' END, p.details, p.hash
      FROM people p
     WHERE p.current AND NOT EXISTS (SELECT 1 FROM before b WHERE b.kind = p.kind AND b.hash = p.hash)
    UNION ALL
    SELECT CASE b.kind WHEN 'officer' THEN 'officer_resigned' ELSE 'psc_ceased' END,
           coalesce((SELECT p.details FROM people p WHERE p.kind = b.kind AND p.hash = b.hash LIMIT 1),
                    jsonb_strip_nulls(jsonb_build_object('name', c.companies_house_state -> 'psc_names' -> b.hash))),
           b.hash
      FROM before b, company c
     WHERE NOT EXISTS (SELECT 1 FROM people p WHERE p.kind = b.kind AND p.hash = b.hash AND p.current)
    UNION ALL
    SELECT 'status_changed', jsonb_build_object('from', c.status, 'to', p_incoming ->> 'status'), NULL
      FROM company c WHERE c.status IS DISTINCT FROM p_incoming ->> 'status'
    UNION ALL
    SELECT 'address_changed', jsonb_build_object('from', c.registered_office, 'to', p_incoming -> 'registered_office'), NULL
      FROM company c WHERE c.registered_office IS DISTINCT FROM nullif(p_incoming -> 'registered_office', 'null'::jsonb)
    UNION ALL
    SELECT 'sic_codes_changed', jsonb_build_object('from', to_jsonb(c.sic_codes), 'to', p_incoming -> 'sic_codes'), NULL
      FROM company c
     WHERE (SELECT coalesce(array_agg(x ORDER BY x), '{}') FROM unnest(c.sic_codes) x)
           IS DISTINCT FROM (SELECT coalesce(array_agg(x ORDER BY x), '{}') FROM jsonb_array_elements_text(p_incoming -> 'sic_codes') x)
    UNION ALL
    SELECT 'accounts_filed', jsonb_strip_nulls(jsonb_build_object('made_up_to', p_incoming -> 'accounts_made_up_to',
             'previous_made_up_to', c.accounts_made_up_to, 'filed_on', p_incoming -> 'last_accounts_filed_on')), NULL
      FROM company c
     WHERE (p_incoming ->> 'accounts_made_up_to')::date > coalesce(c.accounts_made_up_to, '-infinity'::date)
    UNION ALL
    SELECT 'insolvency', jsonb_build_object('from', c.insolvency_status, 'to', p_incoming ->> 'insolvency_status'), NULL
      FROM company c WHERE c.insolvency_status IS DISTINCT FROM p_incoming ->> 'insolvency_status'
  )
  -- (Each change is also an event for webhooks: the outbox insert belongs here, beside this one.)
  INSERT INTO public.company_changes (tenant_id, company_id, type, details, subject_hash)
  SELECT company.tenant_id, company.id, d.type, d.details, d.subject_hash FROM company, detected d
  RETURNING *
$$;
--> statement-breakpoint
REVOKE EXECUTE ON FUNCTION app.record_company_changes(text, jsonb) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION app.record_company_changes(text, jsonb) TO app_api;
--> statement-breakpoint
-- The scheduled refresh (a cron, holding the Worker's signed identity) names a tenant, as a scrape
-- consumer names a job: this moves its transaction into that tenant, so its writes run under
-- row-level security like the tenant's own refresh. Only the Worker may; a deleted or purging
-- tenant is refused.
CREATE FUNCTION app.begin_companies_house_refresh(p_tenant_id uuid, p_request_id text)
  RETURNS void
  LANGUAGE plpgsql
  SECURITY DEFINER
  SET search_path = pg_catalog, pg_temp
  AS $$
BEGIN
  IF NOT app.is_worker() THEN
    RAISE EXCEPTION 'only the Worker''s scheduled refresh may act for a tenant' USING ERRCODE = 'DT403';
  END IF;
  IF NOT EXISTS (SELECT 1 FROM public.tenants t
                  WHERE t.id = p_tenant_id AND t.deleted_at IS NULL AND t.purge_started_at IS NULL) THEN
    RAISE EXCEPTION 'tenant % is gone', p_tenant_id USING ERRCODE = 'DT409';
  END IF;
  PERFORM app.seal_identity(p_tenant_id, NULL, NULL, NULL, 'system', NULL, coalesce(p_request_id, app.request_id()));
END
$$;
--> statement-breakpoint
ALTER FUNCTION app.begin_companies_house_refresh(uuid, text) OWNER TO app_auth;
--> statement-breakpoint
REVOKE EXECUTE ON FUNCTION app.begin_companies_house_refresh(uuid, text) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION app.begin_companies_house_refresh(uuid, text) TO app_api;
