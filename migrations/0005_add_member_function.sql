-- Adding a member needs to find a user who is not (yet) visible to the tenant under RLS, by id
-- or by email. This function does that lookup as app_auth and nothing else; begin_request has
-- already checked the caller's role, and the membership guard still applies to the insert.
CREATE FUNCTION app.add_member(p_user_id uuid, p_email text, p_role text)
  RETURNS TABLE (user_id uuid, email text, name text, role text, created_at timestamptz)
  LANGUAGE plpgsql
  SECURITY DEFINER
  SET search_path = pg_catalog, pg_temp
  AS $$
DECLARE
  v_tenant_id uuid := app.tenant_id();
  v_user_id uuid;
BEGIN
  IF v_tenant_id IS NULL OR app.role_rank(app.role()) < app.role_rank('admin') THEN
    RAISE EXCEPTION 'adding members needs the admin role' USING ERRCODE = 'DT403';
  END IF;
  SELECT u.id INTO v_user_id
    FROM public.users u
   WHERE u.deleted_at IS NULL
     AND (u.id = p_user_id OR (p_user_id IS NULL AND lower(u.email) = lower(p_email)))
   ORDER BY u.created_at
   LIMIT 1;
  IF v_user_id IS NULL THEN
    RAISE EXCEPTION 'no such user' USING ERRCODE = 'DT422',
      DETAIL = 'Users are known once they have signed in to the API at least once.';
  END IF;
  INSERT INTO public.memberships (tenant_id, user_id, role) VALUES (v_tenant_id, v_user_id, p_role);
  RETURN QUERY
    SELECT u.id, u.email, u.name, m.role, m.created_at
      FROM public.memberships m JOIN public.users u ON u.id = m.user_id
     WHERE m.tenant_id = v_tenant_id AND m.user_id = v_user_id;
END
$$;
--> statement-breakpoint
ALTER FUNCTION app.add_member(uuid, text, text) OWNER TO app_auth;
--> statement-breakpoint
REVOKE ALL ON FUNCTION app.add_member(uuid, text, text) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION app.add_member(uuid, text, text) TO app_api;
