import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { sql } from "drizzle-orm";
import type { AppEnv } from "../../app-env";
import { SUBSCRIPTION_STATUSES, type SubscriptionStatus } from "../../billing/catalogue";
import { subscriptions } from "../../db/schema/subscriptions";
import { type RowOf, selectList } from "../../db/selection";
import { isoTimestamp, timestampSchema } from "../../http/timestamps";
import { planIdSchema } from "../plans/schemas";
import { V1_PROBLEMS, v1Access } from "../v1-route";

export const subscriptionSchema = z
  .object({
    plan: planIdSchema.openapi({ description: "The plan in force: what limits and quotas apply now" }),
    subscribed_plan: planIdSchema.openapi({
      description: "The plan subscribed to; differs from `plan` once a past-due grace period or a canceled period ends",
    }),
    status: z.enum(SUBSCRIPTION_STATUSES),
    current_period_start: timestampSchema.nullable(),
    current_period_end: timestampSchema.nullable(),
    grace_ends_at: timestampSchema
      .nullable()
      .openapi({ description: "While `past_due`: the plan is kept until then, then falls to `free`" }),
    cancel_at_period_end: z.boolean(),
    billing_account: z
      .boolean()
      .openapi({ description: "Whether the tenant has a Stripe customer (the portal works)" }),
  })
  .openapi("Subscription");

export const getSubscriptionRoute = createRoute({
  method: "get",
  path: "/v1/tenant/subscription",
  operationId: "getTenantSubscription",
  tags: ["Billing"],
  summary: "The tenant's subscription",
  description:
    "Plan, status (`trialing`, `active`, `past_due`, `canceled`), current period, grace end and cancel-at-period-end, " +
    "as Stripe's webhooks last reported them. A tenant that never subscribed is `active` on its plan.",
  ...v1Access({ role: "viewer", scope: "tenant:read" }),
  responses: {
    ...V1_PROBLEMS,
    200: { description: "The subscription", content: { "application/json": { schema: subscriptionSchema } } },
  },
});

// The subscription's own dates, as stored (nullable, and null too when the left join finds none).
const periodColumns = {
  currentPeriodStart: subscriptions.currentPeriodStart,
  currentPeriodEnd: subscriptions.currentPeriodEnd,
  graceEndsAt: subscriptions.graceEndsAt,
};

/** The rest are expressions: the entitlements' plan, defaults for a tenant that never subscribed. */
type SubscriptionRow = RowOf<typeof periodColumns> & {
  plan: string;
  subscribed_plan: string;
  status: SubscriptionStatus;
  cancel_at_period_end: boolean;
  billing_account: boolean;
};

export const getSubscription = new OpenAPIHono<AppEnv>().openapi(getSubscriptionRoute, async (c) => {
  const {
    results: [found],
  } = await c.var.scoped.batch((db) => [
    db.execute<SubscriptionRow>(sql`
      select e.plan, t.plan as subscribed_plan, coalesce(s.status, 'active') as status,
             ${selectList(periodColumns, "s")},
             coalesce(s.cancel_at_period_end, false) as cancel_at_period_end,
             s.stripe_customer_id is not null as billing_account
        from tenants t
        left join subscriptions s on s.tenant_id = t.id
        cross join app.entitlements(t.id) e
       where t.id = app.tenant_id()`),
  ]);
  const [row] = found.rows;
  if (!row) throw new Error("tenant vanished within its own transaction");
  return c.json(
    {
      ...row,
      current_period_start: isoTimestamp(row.current_period_start),
      current_period_end: isoTimestamp(row.current_period_end),
      grace_ends_at: isoTimestamp(row.grace_ends_at),
    },
    200,
  );
});
