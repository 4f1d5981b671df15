ALTER TABLE companies FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
ALTER TABLE idempotency_keys FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON companies TO app_api;
--> statement-breakpoint
GRANT SELECT, DELETE ON companies TO app_maintenance;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON idempotency_keys TO app_api;
--> statement-breakpoint
GRANT DELETE ON idempotency_keys TO app_maintenance;
--> statement-breakpoint
-- Every change bumps the version (the ETag) and updated_at, whoever makes it.
CREATE FUNCTION app.bump_version() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
BEGIN
  NEW.version := OLD.version + 1;
  NEW.updated_at := now();
  RETURN NEW;
END
$$;
--> statement-breakpoint
CREATE TRIGGER companies_bump_version BEFORE UPDATE ON companies
  FOR EACH ROW EXECUTE FUNCTION app.bump_version();
--> statement-breakpoint
-- The audit trigger, now also ignoring the version column (bookkeeping, like updated_at), so a
-- soft delete still reads as "company.deleted".
CREATE OR REPLACE FUNCTION app.audit_row_change() RETURNS trigger
  LANGUAGE plpgsql
  SECURITY DEFINER
  SET search_path = pg_catalog, pg_temp
  AS $$
DECLARE
  v_old jsonb := CASE WHEN TG_OP <> 'INSERT' THEN to_jsonb(OLD) - 'key_hash' END;
  v_new jsonb := CASE WHEN TG_OP <> 'DELETE' THEN to_jsonb(NEW) - 'key_hash' END;
  v_row jsonb := coalesce(v_new, v_old);
  v_target_type text := TG_ARGV[0];
  v_names_only boolean := coalesce(TG_ARGV[1], '') = 'names_only';
  v_changed text[];
  v_action text;
  v_metadata jsonb;
BEGIN
  IF TG_OP = 'UPDATE' THEN
    SELECT array_agg(n.key ORDER BY n.key) INTO v_changed
      FROM jsonb_each(v_new) n
     WHERE n.value IS DISTINCT FROM v_old -> n.key
       AND n.key NOT IN ('updated_at', 'last_used_at', 'version');
    IF v_changed IS NULL THEN
      RETURN NULL; -- bookkeeping only
    END IF;
  END IF;

  v_action := v_target_type || '.' || CASE
    WHEN TG_OP = 'INSERT' THEN 'created'
    WHEN TG_OP = 'DELETE' THEN 'deleted'
    WHEN v_changed = ARRAY['deleted_at'] AND v_new ->> 'deleted_at' IS NOT NULL THEN 'deleted'
    WHEN v_changed = ARRAY['deleted_at'] THEN 'restored'
    WHEN v_changed = ARRAY['revoked_at'] THEN 'revoked'
    ELSE 'updated'
  END;
  v_metadata := CASE
    WHEN v_names_only THEN jsonb_build_object('changed', to_jsonb(coalesce(v_changed, ARRAY[]::text[])))
    WHEN TG_OP = 'INSERT' THEN jsonb_build_object('new', v_new)
    WHEN TG_OP = 'DELETE' THEN jsonb_build_object('old', v_old)
    ELSE jsonb_build_object(
      'changed', to_jsonb(v_changed),
      'old', (SELECT jsonb_object_agg(k, v_old -> k) FROM unnest(v_changed) k),
      'new', (SELECT jsonb_object_agg(k, v_new -> k) FROM unnest(v_changed) k))
  END;

  INSERT INTO public.audit_log (tenant_id, actor_type, actor_id, action, target_type, target_id, request_id, metadata)
  VALUES (
    CASE WHEN TG_TABLE_NAME = 'tenants' THEN (v_row ->> 'id')::uuid ELSE (v_row ->> 'tenant_id')::uuid END,
    app.actor_type(),
    app.actor_id(),
    v_action,
    v_target_type,
    CASE WHEN TG_TABLE_NAME = 'memberships' THEN v_row ->> 'user_id' ELSE v_row ->> 'id' END,
    app.request_id(),
    v_metadata
  );
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER companies_audit AFTER INSERT OR UPDATE OR DELETE ON companies
  FOR EACH ROW EXECUTE FUNCTION app.audit_row_change('company');
