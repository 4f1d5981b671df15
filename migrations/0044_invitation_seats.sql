-- Seats count members and open invitations (issue 13 with issue 15): an invitation holds its seat
-- from the moment it is sent, so a tenant on free cannot send more invitations than it has seats.
-- p_except_email: the address whose open invitation the caller is about to replace or accept.
DROP FUNCTION app.assert_seat_available(uuid);
--> statement-breakpoint
CREATE FUNCTION app.assert_seat_available(p_tenant uuid, p_except_email text DEFAULT NULL)
  RETURNS void
  LANGUAGE plpgsql
  SET search_path = pg_catalog, pg_temp
  AS $$
DECLARE
  v_limit integer;
  v_used integer;
BEGIN
  PERFORM pg_advisory_xact_lock(hashtextextended('seats:' || p_tenant::text, 0));
  SELECT e.seat_limit INTO v_limit FROM app.entitlements(p_tenant) e;
  IF v_limit IS NULL THEN
    RETURN;
  END IF;
  SELECT (SELECT count(*) FROM public.memberships m WHERE m.tenant_id = p_tenant)
       + (SELECT count(*) FROM public.invitations i
           WHERE i.tenant_id = p_tenant AND i.accepted_at IS NULL AND i.revoked_at IS NULL
             AND i.expires_at > now() AND lower(i.email) IS DISTINCT FROM lower(p_except_email))
    INTO v_used;
  IF v_used >= v_limit THEN
    RAISE EXCEPTION 'seat limit reached' USING ERRCODE = 'DT402', DETAIL = jsonb_build_object(
      'metric', 'seats', 'quota', v_limit, 'used', v_used, 'requested', 1, 'resets_at', NULL)::text;
  END IF;
END
$$;
--> statement-breakpoint
REVOKE EXECUTE ON FUNCTION app.assert_seat_available(uuid, text) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION app.assert_seat_available(uuid, text) TO app_api, app_auth;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION app.create_invitation(p_email text, p_role text, p_token_hash text, p_expires_at timestamptz)
  RETURNS TABLE (id uuid, email text, role text, invited_by uuid, created_at timestamptz, expires_at timestamptz)
  LANGUAGE plpgsql
  SET search_path = pg_catalog, pg_temp
  AS $$
DECLARE
  v_tenant_id uuid := app.tenant_id();
  v_row public.invitations;
BEGIN
  IF v_tenant_id IS NULL OR app.role_rank(app.role()) < app.role_rank('admin') THEN
    RAISE EXCEPTION 'inviting members needs the admin role' USING ERRCODE = 'DT403';
  END IF;
  IF EXISTS (SELECT 1 FROM public.memberships m JOIN public.users u ON u.id = m.user_id
              WHERE m.tenant_id = v_tenant_id AND lower(u.email) = lower(p_email)) THEN
    RAISE EXCEPTION 'a member of this tenant already has this email address' USING ERRCODE = 'DT409';
  END IF;
  -- The open invitation takes a seat until it is accepted, revoked or expires; one replaced for
  -- the same address gives its seat to the new one.
  PERFORM app.assert_seat_available(v_tenant_id, p_email);
  UPDATE public.invitations i SET revoked_at = now()
   WHERE i.tenant_id = v_tenant_id AND lower(i.email) = lower(p_email)
     AND i.accepted_at IS NULL AND i.revoked_at IS NULL;
  INSERT INTO public.invitations (tenant_id, email, role, token_hash, invited_by, expires_at)
  VALUES (v_tenant_id, p_email, p_role, p_token_hash, app.user_id(), p_expires_at)
  RETURNING * INTO v_row;
  RETURN QUERY SELECT v_row.id, v_row.email, v_row.role, v_row.invited_by, v_row.created_at, v_row.expires_at;
END
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION app.accept_invitation(p_token_hash text)
  RETURNS TABLE (tenant_id uuid, slug text, name text, role text, joined_at timestamptz)
  LANGUAGE plpgsql
  SECURITY DEFINER
  SET search_path = pg_catalog, pg_temp
  AS $$
DECLARE
  v_user_id uuid := app.user_id();
  v_email text;
  v_invitation public.invitations;
BEGIN
  IF v_user_id IS NULL OR app.api_key_id() IS NOT NULL THEN
    RAISE EXCEPTION 'accepting an invitation needs a signed-in user' USING ERRCODE = 'DT403';
  END IF;
  SELECT u.email INTO v_email FROM public.users u WHERE u.id = v_user_id AND u.deleted_at IS NULL;
  SELECT i.* INTO v_invitation
    FROM public.invitations i JOIN public.tenants t ON t.id = i.tenant_id
   WHERE i.token_hash = p_token_hash AND t.deleted_at IS NULL
     FOR UPDATE OF i;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'No invitation has this token.' USING ERRCODE = 'DT404';
  END IF;
  IF v_invitation.accepted_at IS NOT NULL THEN
    RAISE EXCEPTION 'this invitation has already been used' USING ERRCODE = 'DT409';
  ELSIF v_invitation.revoked_at IS NOT NULL THEN
    RAISE EXCEPTION 'this invitation was revoked or replaced by a newer one' USING ERRCODE = 'DT410';
  ELSIF v_invitation.expires_at <= now() THEN
    RAISE EXCEPTION 'this invitation has expired; ask for a new one' USING ERRCODE = 'DT410';
  END IF;
  IF v_email IS NULL OR lower(v_email) <> lower(v_invitation.email) THEN
    RAISE EXCEPTION 'this invitation is for another email address than your verified one' USING ERRCODE = 'DT403';
  END IF;
  IF EXISTS (SELECT 1 FROM public.memberships m WHERE m.tenant_id = v_invitation.tenant_id AND m.user_id = v_user_id) THEN
    RAISE EXCEPTION 'you are already a member of this tenant' USING ERRCODE = 'DT409';
  END IF;
  -- The invitation's own seat becomes the member's; the check still refuses when the plan has
  -- since shrunk below the members and the other open invitations.
  PERFORM app.assert_seat_available(v_invitation.tenant_id, v_invitation.email);
  INSERT INTO public.memberships (tenant_id, user_id, role) VALUES (v_invitation.tenant_id, v_user_id, v_invitation.role);
  UPDATE public.invitations i SET accepted_at = now(), accepted_by = v_user_id WHERE i.id = v_invitation.id;
  RETURN QUERY
    SELECT t.id, t.slug, t.name, v_invitation.role, now() FROM public.tenants t WHERE t.id = v_invitation.tenant_id;
END
$$;
--> statement-breakpoint
CREATE OR REPLACE FUNCTION app.external_tenant(c jsonb, p_tenant_id uuid, p_user_id uuid)
  RETURNS uuid
  LANGUAGE plpgsql
  SET search_path = pg_catalog, pg_temp
  AS $$
DECLARE
  v_tenant_id uuid;
BEGIN
  SELECT p.tenant_id INTO v_tenant_id
    FROM public.tenant_identity_providers p JOIN public.tenants t ON t.id = p.tenant_id
   WHERE p.issuer = c ->> 'org_issuer' AND p.organization_id = c ->> 'org_id' AND t.deleted_at IS NULL;
  IF v_tenant_id IS NULL OR (p_tenant_id IS NOT NULL AND p_tenant_id <> v_tenant_id) THEN
    RAISE EXCEPTION 'tenant not found' USING ERRCODE = 'DT404';
  END IF;
  IF c ->> 'email' IS NOT NULL AND p_user_id IS NOT NULL AND NOT EXISTS (
       SELECT 1 FROM public.memberships m WHERE m.tenant_id = v_tenant_id AND m.user_id = p_user_id) THEN
    -- A just-in-time member takes a seat like any other (402 beyond the plan's seats).
    PERFORM app.assert_seat_available(v_tenant_id, NULL);
    INSERT INTO public.memberships (tenant_id, user_id, role)
    VALUES (v_tenant_id, p_user_id,
            CASE WHEN c ->> 'org_role' IN ('admin', 'editor', 'viewer') THEN c ->> 'org_role' ELSE 'viewer' END)
    ON CONFLICT (tenant_id, user_id) DO NOTHING;
  END IF;
  RETURN v_tenant_id;
END
$$;
