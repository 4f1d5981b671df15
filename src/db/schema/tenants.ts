import { sql } from "drizzle-orm";
import { check, pgPolicy, pgTable, text, uniqueIndex } from "drizzle-orm/pg-core";
import { deletedAt, id, timestamps, timestamptz } from "./columns";
import { currentTenantId, currentUserId } from "./identity";
import { plans } from "./plans";
import { appApi, appAuth, appMaintenance, appPlatform } from "./roles";

export type { Plan } from "./plans";

export const tenants = pgTable(
  "tenants",
  {
    id: id(),
    slug: text("slug").notNull(),
    name: text("name").notNull(),
    /** The plan subscribed to (or set by an operator); app.effective_plan applies the subscription's status. */
    plan: text("plan")
      .notNull()
      .default("free")
      .references(() => plans.id),
    ...timestamps,
    deletedAt: deletedAt(),
    /**
     * Set by the retention cron when the restore window of a deleted tenant has passed: from then
     * on the tenant cannot be restored, its rows are deleted batch by batch, then the row itself.
     */
    purgeStartedAt: timestamptz("purge_started_at"),
    /** Set by an operator (POST /internal/tenants/{id}/suspend): every request answers 403 tenant_suspended. */
    suspendedAt: timestamptz("suspended_at"),
    suspensionReason: text("suspension_reason"),
    /** The tenant's own line of business, set by its admins; feature flags may target it. */
    sector: text("sector"),
  },
  (t) => [
    uniqueIndex("tenants_slug_key").on(t.slug),
    check("tenants_slug_format", sql`${t.slug} ~ '^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$'`),
    // Only a deleted tenant can be marked for purging: the maintenance role's delete policies
    // follow the mark, so a live tenant must never carry it.
    check("tenants_purge_only_deleted", sql`${t.purgeStartedAt} is null or ${t.deletedAt} is not null`),
    pgPolicy("tenants_api_select", { for: "select", to: appApi, using: sql`${t.id} = ${currentTenantId}` }),
    pgPolicy("tenants_api_update", {
      for: "update",
      to: appApi,
      using: sql`${t.id} = ${currentTenantId}`,
      withCheck: sql`${t.id} = ${currentTenantId}`,
    }),
    // Without a tenant (GET /v1/me), a user sees the tenants they belong to.
    pgPolicy("tenants_api_select_own", {
      for: "select",
      to: appApi,
      using: sql`${currentTenantId} is null and ${t.id} in (
        select m.tenant_id from memberships m where m.user_id = ${currentUserId})`,
    }),
    pgPolicy("tenants_auth_select", { for: "select", to: appAuth, using: sql`true` }),
    pgPolicy("tenants_auth_insert", { for: "insert", to: appAuth, withCheck: sql`true` }),
    // app.restore_tenant: a deleted tenant whose purge has not begun may only be undeleted.
    pgPolicy("tenants_auth_restore", {
      for: "update",
      to: appAuth,
      using: sql`${t.deletedAt} is not null and ${t.purgeStartedAt} is null`,
      withCheck: sql`${t.deletedAt} is null and ${t.purgeStartedAt} is null`,
    }),
    // app.apply_stripe_event: the plan follows the Stripe subscription (column grant: plan only).
    pgPolicy("tenants_auth_plan_update", {
      for: "update",
      to: appAuth,
      using: sql`${t.deletedAt} is null`,
      withCheck: sql`${t.deletedAt} is null`,
    }),
    pgPolicy("tenants_maintenance_select", { for: "select", to: appMaintenance, using: sql`true` }),
    // Plan changes come from billing, through the operator API, as the maintenance role.
    pgPolicy("tenants_maintenance_update", {
      for: "update",
      to: appMaintenance,
      using: sql`true`,
      withCheck: sql`true`,
    }),
    check("tenants_sector_format", sql`${t.sector} is null or ${t.sector} ~ '^[a-z][a-z0-9_]{0,39}$'`),
    check("tenants_suspension_reason", sql`(${t.suspendedAt} is null) = (${t.suspensionReason} is null)`),
    // Operators, through the app.operator_* functions only (owned by app_platform).
    pgPolicy("tenants_platform_select", { for: "select", to: appPlatform, using: sql`true` }),
    pgPolicy("tenants_platform_update", { for: "update", to: appPlatform, using: sql`true`, withCheck: sql`true` }),
    // The last step of a tenant's purge (src/cron/tenant-purge.ts).
    pgPolicy("tenants_maintenance_purge_delete", {
      for: "delete",
      to: appMaintenance,
      using: sql`${t.purgeStartedAt} is not null`,
    }),
  ],
).enableRLS();

export type Tenant = typeof tenants.$inferSelect;
