import type { Context } from "hono";
import type { AppEnv } from "../app-env";

/** What app.apply_stripe_event reports once an event is applied. */
export interface AppliedEvent extends Record<string, unknown> {
  outcome: string;
  tenant_id: string | null;
  plan: string | null;
  rate_per_minute: number | null;
  rate_burst: number | null;
}

/**
 * After a Stripe event changed a tenant's subscription: the plan in force reaches the tenant's
 * rate limiter before Stripe gets its answer, so the new limits apply from the next request.
 *
 * This is also the place for the outbound `subscription.updated` event (built in parallel, issue
 * on events/webhooks): emit it here, from `event` and `applied`, when `applied.outcome` is
 * `applied`.
 */
export async function subscriptionChanged(c: Context<AppEnv>, applied: AppliedEvent): Promise<void> {
  const { tenant_id: tenantId, plan, rate_per_minute: perMinute, rate_burst: burst } = applied;
  if (applied.outcome !== "applied" || !tenantId || !plan || perMinute === null || burst === null) return;
  if (c.var.config.RATE_LIMIT_ENABLED) {
    await c.var.rateLimiter.setPlan(tenantId, plan, { perMinute: Number(perMinute), burst: Number(burst) });
  }
}
