import { sql } from "drizzle-orm";
import { boolean, check, pgPolicy, pgTable, text, uniqueIndex } from "drizzle-orm/pg-core";
import { SUBSCRIPTION_STATUSES } from "../../billing/catalogue";
import { timestamps, timestamptz } from "./columns";
import { currentTenantId } from "./identity";
import { appApi, appAuth, appMaintenance, appPlatform } from "./roles";
import { purgeDeletePolicy, tenantId } from "./tenant-scoped";

export { SUBSCRIPTION_STATUSES, type SubscriptionStatus } from "../../billing/catalogue";

/**
 * The tenant's subscription as Stripe last told us (the tenant's plan itself is tenants.plan), and
 * the tenant ↔ Stripe customer link. No row: the tenant is on tenants.plan, `active`, without
 * Stripe. Written only by app.apply_stripe_event (the webhook); the API role reads its own.
 */
export const subscriptions = pgTable(
  "subscriptions",
  {
    tenantId: tenantId().primaryKey(),
    status: text("status", { enum: SUBSCRIPTION_STATUSES }).notNull().default("active"),
    currentPeriodStart: timestamptz("current_period_start"),
    currentPeriodEnd: timestamptz("current_period_end"),
    cancelAtPeriodEnd: boolean("cancel_at_period_end").notNull().default(false),
    /** Set when the subscription falls past due: the plan is kept until then. */
    graceEndsAt: timestamptz("grace_ends_at"),
    stripeCustomerId: text("stripe_customer_id"),
    stripeSubscriptionId: text("stripe_subscription_id"),
    /** When Stripe created the event this state came from: an older event never overwrites it. */
    stripeStateAt: timestamptz("stripe_state_at"),
    ...timestamps,
  },
  (t) => [
    uniqueIndex("subscriptions_stripe_customer_key").on(t.stripeCustomerId),
    uniqueIndex("subscriptions_stripe_subscription_key").on(t.stripeSubscriptionId),
    check("subscriptions_status_check", sql`${t.status} in ('trialing', 'active', 'past_due', 'canceled')`),
    pgPolicy("subscriptions_api_select", {
      for: "select",
      to: appApi,
      using: sql`${t.tenantId} = ${currentTenantId}`,
    }),
    pgPolicy("subscriptions_auth_all", { for: "all", to: appAuth, using: sql`true`, withCheck: sql`true` }),
    // The operator's plan route (maintenance role) needs the status to know the plan in force.
    pgPolicy("subscriptions_maintenance_select", { for: "select", to: appMaintenance, using: sql`true` }),
    // app.operator_set_plan (app.entitlements): the subscription's status decides the plan in force.
    pgPolicy("subscriptions_platform_select", { for: "select", to: appPlatform, using: sql`true` }),
    purgeDeletePolicy("subscriptions", t.tenantId),
  ],
).enableRLS();
