-- Stripe's webhooks (issue 13, step 3). Hand-written: one definer function applies an event.
-- Applies one verified Stripe event, once per event id (a redelivery returns `duplicate` and changes
-- nothing). Subscription and invoice state is only overwritten by an event created at or after the
-- one it came from, so events arriving out of order leave the newest state. The Worker maps the
-- event's price to a plan (STRIPE_PRICE_PLANS) and passes it as p_plan. Returns the tenant and the
-- plan in force afterwards, for its rate limiter.
CREATE FUNCTION app.apply_stripe_event(p_event_id text, p_type text, p_created_unix bigint, p_object jsonb,
    p_plan text, p_grace_seconds integer)
  RETURNS TABLE (outcome text, tenant_id uuid, plan text, rate_per_minute integer, rate_burst integer)
  LANGUAGE plpgsql
  SECURITY DEFINER
  SET search_path = pg_catalog, pg_temp
  AS $$
#variable_conflict use_column
DECLARE
  p_created timestamptz := to_timestamp(p_created_unix);
  v_ref text := coalesce(p_object -> 'metadata' ->> 'tenant_id', p_object ->> 'client_reference_id',
    p_object -> 'subscription_details' -> 'metadata' ->> 'tenant_id');
  v_customer text := p_object ->> 'customer';
  v_tenant uuid;
  v_outcome text := 'applied';
  v_status text;
  v_item jsonb := p_object -> 'items' -> 'data' -> 0;
BEGIN
  IF NOT app.is_worker() THEN
    RAISE EXCEPTION 'only the Worker''s webhook applies Stripe events' USING ERRCODE = 'DT403';
  END IF;
  INSERT INTO public.stripe_events (id, type, outcome, stripe_created_at) VALUES (p_event_id, p_type, 'pending', p_created)
  ON CONFLICT (id) DO NOTHING;
  IF NOT FOUND THEN
    RETURN QUERY SELECT 'duplicate'::text, NULL::uuid, NULL::text, NULL::integer, NULL::integer;
    RETURN;
  END IF;

  IF v_ref ~ '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' THEN
    v_tenant := v_ref::uuid;
  ELSIF v_customer IS NOT NULL THEN
    SELECT s.tenant_id INTO v_tenant FROM public.subscriptions s WHERE s.stripe_customer_id = v_customer;
  END IF;
  IF v_tenant IS NULL OR NOT EXISTS (SELECT 1 FROM public.tenants t WHERE t.id = v_tenant AND t.deleted_at IS NULL) THEN
    UPDATE public.stripe_events SET outcome = 'no_tenant' WHERE id = p_event_id;
    RETURN QUERY SELECT 'no_tenant'::text, NULL::uuid, NULL::text, NULL::integer, NULL::integer;
    RETURN;
  END IF;

  IF p_type = 'checkout.session.completed' THEN
    -- The tenant <-> customer link; the subscription's own events set status and plan.
    INSERT INTO public.subscriptions AS s (tenant_id, stripe_customer_id, stripe_subscription_id)
    VALUES (v_tenant, v_customer, p_object ->> 'subscription')
    ON CONFLICT (tenant_id) DO UPDATE
      SET stripe_customer_id = coalesce(excluded.stripe_customer_id, s.stripe_customer_id),
          stripe_subscription_id = coalesce(excluded.stripe_subscription_id, s.stripe_subscription_id);
  ELSIF p_type IN ('customer.subscription.created', 'customer.subscription.updated', 'customer.subscription.deleted') THEN
    v_status := CASE
      WHEN p_type = 'customer.subscription.deleted' THEN 'canceled'
      WHEN p_object ->> 'status' IN ('trialing', 'active', 'past_due', 'canceled') THEN p_object ->> 'status'
      WHEN p_object ->> 'status' = 'unpaid' THEN 'past_due'
      WHEN p_object ->> 'status' = 'incomplete_expired' THEN 'canceled'
    END;
    IF v_status IS NULL THEN
      v_outcome := 'ignored_status';
    ELSIF p_plan IS NULL AND v_status <> 'canceled' THEN
      v_outcome := 'unknown_price';
    ELSE
      INSERT INTO public.subscriptions AS s (tenant_id, status, current_period_start, current_period_end,
          cancel_at_period_end, grace_ends_at, stripe_customer_id, stripe_subscription_id, stripe_state_at)
      VALUES (v_tenant, v_status,
        to_timestamp(coalesce(p_object ->> 'current_period_start', v_item ->> 'current_period_start')::bigint),
        to_timestamp(coalesce(p_object ->> 'current_period_end', v_item ->> 'current_period_end')::bigint),
        coalesce((p_object ->> 'cancel_at_period_end')::boolean, false),
        CASE WHEN v_status = 'past_due' THEN p_created + make_interval(secs => p_grace_seconds) END,
        v_customer, p_object ->> 'id', p_created)
      ON CONFLICT (tenant_id) DO UPDATE
        SET status = excluded.status,
            current_period_start = excluded.current_period_start,
            current_period_end = excluded.current_period_end,
            cancel_at_period_end = excluded.cancel_at_period_end,
            -- A grace period starts when the subscription falls past due and is not renewed by
            -- later past_due events.
            grace_ends_at = CASE WHEN excluded.status <> 'past_due' THEN NULL
                                 WHEN s.status = 'past_due' AND s.grace_ends_at IS NOT NULL THEN s.grace_ends_at
                                 ELSE excluded.grace_ends_at END,
            stripe_customer_id = coalesce(excluded.stripe_customer_id, s.stripe_customer_id),
            stripe_subscription_id = excluded.stripe_subscription_id,
            stripe_state_at = excluded.stripe_state_at
        WHERE s.stripe_state_at IS NULL OR s.stripe_state_at <= excluded.stripe_state_at;
      IF NOT FOUND THEN
        v_outcome := 'stale';
      ELSIF p_plan IS NOT NULL THEN
        UPDATE public.tenants t SET plan = p_plan WHERE t.id = v_tenant AND t.plan IS DISTINCT FROM p_plan;
      END IF;
    END IF;
  ELSIF p_type LIKE 'invoice.%' THEN
    INSERT INTO public.invoices AS i (id, tenant_id, number, status, amount_due, amount_paid, currency,
        hosted_invoice_url, period_start, period_end, created_at, stripe_state_at)
    VALUES (p_object ->> 'id', v_tenant, p_object ->> 'number', coalesce(p_object ->> 'status', 'draft'),
      coalesce((p_object ->> 'amount_due')::bigint, 0), coalesce((p_object ->> 'amount_paid')::bigint, 0),
      coalesce(p_object ->> 'currency', 'gbp'), p_object ->> 'hosted_invoice_url',
      to_timestamp((p_object ->> 'period_start')::bigint), to_timestamp((p_object ->> 'period_end')::bigint),
      to_timestamp(coalesce((p_object ->> 'created')::bigint, extract(epoch FROM p_created)::bigint)), p_created)
    ON CONFLICT (id) DO UPDATE
      SET number = excluded.number, status = excluded.status, amount_due = excluded.amount_due,
          amount_paid = excluded.amount_paid, hosted_invoice_url = excluded.hosted_invoice_url,
          stripe_state_at = excluded.stripe_state_at
      WHERE i.tenant_id = excluded.tenant_id AND i.stripe_state_at <= excluded.stripe_state_at;
    IF NOT FOUND THEN
      v_outcome := 'stale';
    END IF;
  ELSE
    v_outcome := 'ignored';
  END IF;

  UPDATE public.stripe_events SET outcome = v_outcome, tenant_ref = v_tenant WHERE id = p_event_id;
  RETURN QUERY SELECT v_outcome, v_tenant, e.plan, e.rate_per_minute, e.rate_burst FROM app.entitlements(v_tenant) e;
END
$$;
--> statement-breakpoint
ALTER FUNCTION app.apply_stripe_event(text, text, bigint, jsonb, text, integer) OWNER TO app_auth;
--> statement-breakpoint
REVOKE EXECUTE ON FUNCTION app.apply_stripe_event(text, text, bigint, jsonb, text, integer) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION app.apply_stripe_event(text, text, bigint, jsonb, text, integer) TO app_api;
--> statement-breakpoint
-- app.apply_stripe_event sets tenants.plan from the subscription (policy tenants_auth_plan_update).
GRANT UPDATE (plan) ON tenants TO app_auth;
--> statement-breakpoint
-- A usage report for the billing queue's consumer (the Worker's own identity only): the meter
-- event to send to Stripe, with the report id as its idempotency identifier.
CREATE FUNCTION app.usage_report(p_id uuid)
  RETURNS TABLE (id uuid, stripe_customer_id text, value bigint, created_at timestamptz, reported_at timestamptz)
  LANGUAGE plpgsql
  SECURITY DEFINER
  SET search_path = pg_catalog, pg_temp
  AS $$
#variable_conflict use_column
BEGIN
  IF NOT app.is_worker() THEN
    RAISE EXCEPTION 'only the Worker''s billing consumer reads usage reports' USING ERRCODE = 'DT403';
  END IF;
  RETURN QUERY SELECT r.id, r.stripe_customer_id, r.value, r.created_at, r.reported_at
    FROM public.usage_reports r WHERE r.id = p_id AND r.stripe_customer_id IS NOT NULL;
END
$$;
--> statement-breakpoint
ALTER FUNCTION app.usage_report(uuid) OWNER TO app_auth;
--> statement-breakpoint
REVOKE EXECUTE ON FUNCTION app.usage_report(uuid) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION app.usage_report(uuid) TO app_api;
--> statement-breakpoint
-- Stripe has the meter event: a redelivered message then finds the report done.
CREATE FUNCTION app.mark_usage_reported(p_id uuid)
  RETURNS void
  LANGUAGE plpgsql
  SECURITY DEFINER
  SET search_path = pg_catalog, pg_temp
  AS $$
BEGIN
  IF NOT app.is_worker() THEN
    RAISE EXCEPTION 'only the Worker''s billing consumer marks usage reports' USING ERRCODE = 'DT403';
  END IF;
  UPDATE public.usage_reports SET reported_at = now() WHERE id = p_id AND reported_at IS NULL;
END
$$;
--> statement-breakpoint
ALTER FUNCTION app.mark_usage_reported(uuid) OWNER TO app_auth;
--> statement-breakpoint
REVOKE EXECUTE ON FUNCTION app.mark_usage_reported(uuid) FROM PUBLIC;
--> statement-breakpoint
GRANT EXECUTE ON FUNCTION app.mark_usage_reported(uuid) TO app_api;
