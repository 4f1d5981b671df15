import { sql } from "drizzle-orm";
import { bigint, check, date, index, pgPolicy, pgTable, primaryKey, text, uuid } from "drizzle-orm/pg-core";
import { timestamptz } from "./columns";
import { currentTenantId } from "./identity";
import { appApi, appAuth, appMaintenance, appPlatform } from "./roles";
import { purgePolicies, tenantId } from "./tenant-scoped";

/**
 * Metered usage per tenant and metric: one `month` row per quota period (the row whose lock makes
 * a quota exact) and one `day` row per day (the history). Written only by app.meter and
 * app.record_api_requests; the API role reads its own.
 */
export const usage = pgTable(
  "usage",
  {
    tenantId: tenantId(),
    metric: text("metric").notNull(),
    period: text("period", { enum: ["month", "day"] }).notNull(),
    startsOn: date("starts_on", { mode: "string" }).notNull(),
    used: bigint("used", { mode: "number" }).notNull(),
  },
  (t) => [
    primaryKey({ name: "usage_pkey", columns: [t.tenantId, t.metric, t.period, t.startsOn] }),
    check("usage_period_check", sql`${t.period} in ('month', 'day')`),
    check("usage_used_check", sql`${t.used} >= 0`),
    pgPolicy("usage_api_select", { for: "select", to: appApi, using: sql`${t.tenantId} = ${currentTenantId}` }),
    pgPolicy("usage_auth_all", { for: "all", to: appAuth, using: sql`true`, withCheck: sql`true` }),
    // Operators' tenant list and platform stats read the metered counts (app.operator_* functions).
    pgPolicy("usage_platform_select", { for: "select", to: appPlatform, using: sql`true` }),
    ...purgePolicies("usage", t.tenantId),
  ],
).enableRLS();

/**
 * One flush of API-request counts from a tenant's rate limiter: its id makes a repeated flush
 * count nothing. For a tenant with a Stripe customer it is also the meter event to report, the id
 * being the event's idempotency identifier.
 */
export const usageReports = pgTable(
  "usage_reports",
  {
    id: uuid("id").primaryKey(),
    tenantId: tenantId(),
    metric: text("metric").notNull(),
    day: date("day", { mode: "string" }).notNull(),
    value: bigint("value", { mode: "number" }).notNull(),
    stripeCustomerId: text("stripe_customer_id"),
    createdAt: timestamptz("created_at").notNull().defaultNow(),
    reportedAt: timestamptz("reported_at"),
    /** When the maintenance sweep last put an unreported report back on the billing queue. */
    requeuedAt: timestamptz("requeued_at"),
  },
  (t) => [
    index("usage_reports_unreported_idx")
      .on(t.createdAt)
      .where(sql`${t.reportedAt} is null and ${t.stripeCustomerId} is not null`),
    index("usage_reports_tenant_idx").on(t.tenantId),
    // The retention purge takes the oldest reports first, whatever the tenant.
    index("usage_reports_created_idx").on(t.createdAt),
    pgPolicy("usage_reports_api_select", {
      for: "select",
      to: appApi,
      using: sql`${t.tenantId} = ${currentTenantId}`,
    }),
    pgPolicy("usage_reports_auth_all", { for: "all", to: appAuth, using: sql`true`, withCheck: sql`true` }),
    // The maintenance cron sweeps unreported reports back onto the billing queue (requeued_at
    // only) and deletes reports past USAGE_REPORTS_RETENTION_DAYS, whichever the tenant.
    pgPolicy("usage_reports_maintenance_select", { for: "select", to: appMaintenance, using: sql`true` }),
    pgPolicy("usage_reports_maintenance_update", {
      for: "update",
      to: appMaintenance,
      using: sql`true`,
      withCheck: sql`true`,
    }),
    pgPolicy("usage_reports_maintenance_delete", { for: "delete", to: appMaintenance, using: sql`true` }),
  ],
).enableRLS();
