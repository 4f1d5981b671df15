import { sql } from "drizzle-orm";
import { check, jsonb, numeric, pgPolicy, pgTable, primaryKey, text, uuid } from "drizzle-orm/pg-core";
import { timestamptz } from "./columns";
import { operators } from "./operators";
import { appAuth, appPlatform } from "./roles";
import { purgePolicies } from "./tenant-scoped";
import { tenants } from "./tenants";

/** The tenant attributes a flag may target (columns of tenants, read by app.tenant_features). */
export const FLAG_ATTRIBUTES = ["sector"] as const;

/**
 * Feature flags (issue 14). A tenant gets `value` when it matches the targeting (plans and
 * attributes; empty means everyone) and its stable rollout bucket is under the percentage
 * (app.flag_bucket); otherwise `default_value`. Per-tenant overrides win over both. Tenants never
 * read this table: app.tenant_features (app_auth) evaluates it for the sealed tenant; operators
 * write it through the app.operator_*flag* functions (app_platform).
 */
export const featureFlags = pgTable(
  "feature_flags",
  {
    key: text("key").primaryKey(),
    description: text("description").notNull().default(""),
    defaultValue: jsonb("default_value").$type<unknown>().notNull().default(false),
    value: jsonb("value").$type<unknown>().notNull().default(true),
    rolloutPercentage: numeric("rollout_percentage", { precision: 5, scale: 2, mode: "number" }).notNull().default(0),
    targetPlans: text("target_plans").array().notNull().default(sql`'{}'::text[]`),
    /** `{"sector": ["software", "telecoms"]}`: each named attribute must be one of its values. */
    targetAttributes: jsonb("target_attributes").$type<Record<string, string[]>>().notNull().default({}),
    createdAt: timestamptz("created_at").notNull().defaultNow(),
    updatedAt: timestamptz("updated_at").notNull().defaultNow(),
  },
  (t) => [
    check("feature_flags_key_format", sql`${t.key} ~ '^[a-z][a-z0-9_.-]{0,62}$'`),
    check("feature_flags_rollout_range", sql`${t.rolloutPercentage} between 0 and 100`),
    check("feature_flags_target_attributes_object", sql`jsonb_typeof(${t.targetAttributes}) = 'object'`),
    pgPolicy("feature_flags_auth_select", { for: "select", to: appAuth, using: sql`true` }),
    pgPolicy("feature_flags_platform_all", { for: "all", to: appPlatform, using: sql`true`, withCheck: sql`true` }),
  ],
).enableRLS();

/** An operator's fixed value of one flag for one tenant: wins over targeting and rollout. */
export const tenantFeatureFlags = pgTable(
  "tenant_feature_flags",
  {
    flagKey: text("flag_key")
      .notNull()
      .references(() => featureFlags.key, { onDelete: "cascade", onUpdate: "cascade" }),
    tenantId: uuid("tenant_id")
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    value: jsonb("value").$type<unknown>().notNull(),
    reason: text("reason").notNull(),
    operatorId: uuid("operator_id").references(() => operators.id),
    updatedAt: timestamptz("updated_at").notNull().defaultNow(),
  },
  (t) => [
    // Evaluation reads a tenant's overrides: tenant first.
    primaryKey({ columns: [t.tenantId, t.flagKey] }),
    pgPolicy("tenant_feature_flags_auth_select", { for: "select", to: appAuth, using: sql`true` }),
    pgPolicy("tenant_feature_flags_platform_all", {
      for: "all",
      to: appPlatform,
      using: sql`true`,
      withCheck: sql`true`,
    }),
    ...purgePolicies("tenant_feature_flags", t.tenantId),
  ],
).enableRLS();

export type FeatureFlagRow = typeof featureFlags.$inferSelect;
