-- Invitations (issue 15): members join by accepting, never by being added. What the table's
-- policies (migration 0031) do not say: forced RLS, grants, the audit trigger and the two
-- functions. app.add_member, which added any known user by id or email and so told a tenant
-- whether an address belonged to a Detecktiv user, is dropped.
ALTER TABLE invitations FORCE ROW LEVEL SECURITY;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE (revoked_at) ON invitations TO app_api;
--> statement-breakpoint
GRANT SELECT, UPDATE (accepted_at, accepted_by) ON invitations TO app_auth;
--> statement-breakpoint
GRANT SELECT, DELETE ON invitations TO app_maintenance;
--> statement-breakpoint
-- Names only: the invited address is personal data and the token hash a credential.
CREATE TRIGGER invitations_audit AFTER INSERT OR UPDATE ON invitations
  FOR EACH ROW EXECUTE FUNCTION app.audit_row_change('invitation', 'names_only');
--> statement-breakpoint
DROP FUNCTION app.add_member(uuid, text, text);
--> statement-breakpoint
-- Runs as the caller (app_api, under RLS): replaces an open invitation of the same address, so
-- "invite again" re-sends with a fresh token. 409 only for an address that already belongs to a
-- member of this tenant, which the tenant can see anyway (GET /v1/members); whether the address
-- belongs to anyone else is never looked at.
CREATE FUNCTION app.create_invitation(p_email text, p_role text, p_token_hash text, p_expires_at timestamptz)
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
  -- Seats (billing issue): the plan's seat check belongs here, before the open invitation is
  -- written (open invitations count as seats until they are accepted, revoked or expire).
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
GRANT EXECUTE ON FUNCTION app.create_invitation(text, text, text, timestamptz) TO app_api;
--> statement-breakpoint
-- The invitee is not a member yet, so RLS cannot show them the invitation: this definer finds it
-- by its token's hash and checks everything before it writes. The email compared is the one
-- begin_request stored from this request's token, where only verified addresses are kept (the
-- Worker refuses a token without one before it gets here).
CREATE FUNCTION app.accept_invitation(p_token_hash text)
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
  -- Seats (billing issue): a seat check at acceptance belongs here too, if the plan counts members.
  INSERT INTO public.memberships (tenant_id, user_id, role) VALUES (v_invitation.tenant_id, v_user_id, v_invitation.role);
  UPDATE public.invitations i SET accepted_at = now(), accepted_by = v_user_id WHERE i.id = v_invitation.id;
  RETURN QUERY
    SELECT t.id, t.slug, t.name, v_invitation.role, now() FROM public.tenants t WHERE t.id = v_invitation.tenant_id;
END
$$;
--> statement-breakpoint
ALTER FUNCTION app.accept_invitation(text) OWNER TO app_auth;
--> statement-breakpoint
REVOKE ALL ON FUNCTION app.accept_invitation(text) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION app.accept_invitation(text) TO app_api;
