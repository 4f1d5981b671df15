import { sql } from "drizzle-orm";
import { check, integer, jsonb, pgPolicy, pgTable, text } from "drizzle-orm/pg-core";
import type { Metric } from "../../billing/catalogue";
import { timestamps } from "./columns";
import { appApi, appAuth, appMaintenance, appPlatform } from "./roles";

export { METRICS, type Metric, PLAN_ID_PATTERN } from "../../billing/catalogue";

/** Plan ids are data (seeded free, pro, enterprise); this is only their shape. */
export type Plan = string;

/**
 * Plans and what they entitle a tenant to: rate limits, monthly quotas per metric (absent: no
 * quota), a seat limit (null: unlimited) and the modules they include, with their price's display
 * data. Prices themselves live in Stripe (STRIPE_PRICE_PLANS maps Stripe prices to plans).
 * Everyone may read plans; only migrations and the maintenance role write them.
 */
export const plans = pgTable(
  "plans",
  {
    id: text("id").primaryKey(),
    name: text("name").notNull(),
    description: text("description").notNull().default(""),
    ratePerMinute: integer("rate_per_minute").notNull(),
    rateBurst: integer("rate_burst").notNull(),
    seatLimit: integer("seat_limit"),
    quotas: jsonb("quotas").$type<Partial<Record<Metric, number>>>().notNull().default({}),
    modules: text("modules").array().notNull().default(sql`'{}'::text[]`),
    /** Display data of the price: minor units (pence), ISO currency, billing interval. */
    priceAmount: integer("price_amount"),
    priceCurrency: text("price_currency"),
    priceInterval: text("price_interval"),
    position: integer("position").notNull().default(0),
    ...timestamps,
  },
  (t) => [
    // `anonymous` and `companies_house` name the rate limiter's other buckets.
    check(
      "plans_id_format",
      sql`${t.id} ~ '^[a-z][a-z0-9_]{0,39}$' and ${t.id} not in ('anonymous', 'companies_house')`,
    ),
    check("plans_rate_positive", sql`${t.ratePerMinute} > 0 and ${t.rateBurst} > 0`),
    check("plans_seat_limit_positive", sql`${t.seatLimit} is null or ${t.seatLimit} > 0`),
    check("plans_quotas_object", sql`jsonb_typeof(${t.quotas}) = 'object'`),
    check("plans_price_interval", sql`${t.priceInterval} is null or ${t.priceInterval} in ('month', 'year')`),
    pgPolicy("plans_api_select", { for: "select", to: appApi, using: sql`true` }),
    pgPolicy("plans_auth_select", { for: "select", to: appAuth, using: sql`true` }),
    // app.operator_set_plan checks the plan exists and reads its entitlements.
    pgPolicy("plans_platform_select", { for: "select", to: appPlatform, using: sql`true` }),
    pgPolicy("plans_maintenance_all", { for: "all", to: appMaintenance, using: sql`true`, withCheck: sql`true` }),
  ],
).enableRLS();

export type PlanRow = typeof plans.$inferSelect;
