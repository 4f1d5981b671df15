-- Events for Companies House changes and subscriptions (issue 16 with issues 17 and 13), and the
-- workspace policy on the feed (issue 15).
--
-- Every change row app.record_company_changes writes (import, refresh, the scheduled refresh) is
-- also an event `company_change.<type>`: the change's ids, type and details, which hold no
-- personal data (a person is only the subject hash, and that stays out of the event too).
CREATE FUNCTION app.record_company_change_event()
  RETURNS trigger
  LANGUAGE plpgsql
  SECURITY DEFINER
  SET search_path = pg_catalog, pg_temp
  AS $$
BEGIN
  PERFORM app.emit_event(NEW.tenant_id, 'company_change.' || NEW.type, 'company_change', NEW.id::text,
    jsonb_build_object('id', NEW.id, 'company_id', NEW.company_id, 'type', NEW.type, 'details', NEW.details,
                       'detected_at', NEW.detected_at));
  RETURN NULL;
END
$$;
--> statement-breakpoint
ALTER FUNCTION app.record_company_change_event() OWNER TO app_auth;
--> statement-breakpoint
REVOKE ALL ON FUNCTION app.record_company_change_event() FROM PUBLIC;
--> statement-breakpoint
CREATE TRIGGER company_changes_events AFTER INSERT ON company_changes
  FOR EACH ROW EXECUTE FUNCTION app.record_company_change_event();
--> statement-breakpoint
-- `subscription.updated` when Stripe's events change what a tenant subscribes to. Deferred to
-- the end of the transaction: app.apply_stripe_event writes the subscription before the
-- tenant's plan, and the event must carry the state both reach (one event per transaction that
-- changed the row, with its final plan, status and period).
CREATE FUNCTION app.record_subscription_event()
  RETURNS trigger
  LANGUAGE plpgsql
  SECURITY DEFINER
  SET search_path = pg_catalog, pg_temp
  AS $$
DECLARE
  s public.subscriptions;
BEGIN
  SELECT * INTO s FROM public.subscriptions x WHERE x.tenant_id = NEW.tenant_id;
  IF NOT FOUND THEN
    RETURN NULL;
  END IF;
  PERFORM app.emit_event(s.tenant_id, 'subscription.updated', 'subscription', s.tenant_id::text,
    jsonb_build_object('tenant_id', s.tenant_id,
                       'plan', (SELECT t.plan FROM public.tenants t WHERE t.id = s.tenant_id),
                       'plan_in_force', (SELECT e.plan FROM app.entitlements(s.tenant_id) e),
                       'status', s.status, 'current_period_start', s.current_period_start,
                       'current_period_end', s.current_period_end, 'cancel_at_period_end', s.cancel_at_period_end,
                       'grace_ends_at', s.grace_ends_at));
  RETURN NULL;
END
$$;
--> statement-breakpoint
ALTER FUNCTION app.record_subscription_event() OWNER TO app_auth;
--> statement-breakpoint
REVOKE ALL ON FUNCTION app.record_subscription_event() FROM PUBLIC;
--> statement-breakpoint
-- A row-level constraint trigger fires once per changed row at commit; an UPDATE that changes
-- nothing a client sees (Stripe's state timestamp only) tells nothing.
CREATE CONSTRAINT TRIGGER subscriptions_events AFTER INSERT OR UPDATE OF status, current_period_start,
  current_period_end, cancel_at_period_end, grace_ends_at ON subscriptions
  DEFERRABLE INITIALLY DEFERRED
  FOR EACH ROW EXECUTE FUNCTION app.record_subscription_event();
--> statement-breakpoint
-- A member confined to workspaces (issue 15) reads only their companies' events.
CREATE POLICY "events_api_workspace" ON "events" AS RESTRICTIVE FOR ALL TO "app_api" USING (((select app.workspace_ids()) is null or (case when "events"."resource_type" = 'company' then "events"."resource_id" else "events"."data" ->> 'company_id' end)::uuid in (
    select wc.company_id from workspace_companies wc where wc.workspace_id = any ((select app.workspace_ids())::uuid[])))) WITH CHECK (((select app.workspace_ids()) is null or (case when "events"."resource_type" = 'company' then "events"."resource_id" else "events"."data" ->> 'company_id' end)::uuid in (
    select wc.company_id from workspace_companies wc where wc.workspace_id = any ((select app.workspace_ids())::uuid[]))));