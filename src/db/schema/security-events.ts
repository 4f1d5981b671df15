import { sql } from "drizzle-orm";
import { check, index, integer, pgPolicy, pgTable, text, uuid } from "drizzle-orm/pg-core";
import { id, timestamptz } from "./columns";
import { currentTenantId } from "./identity";
import { appApi, appMaintenance, appPlatform } from "./roles";

export const SECURITY_EVENT_KINDS = [
  "authentication_failed",
  "revoked_key_used",
  "expired_key_used",
  "other_tenant_requested",
  "role_change_refused",
  "forbidden",
  "rate_limited",
  "quota_exceeded",
] as const;
export type SecurityEventKind = (typeof SECURITY_EVENT_KINDS)[number];

/**
 * Aggregates, not one row per request: the SecurityEvents Durable Object counts events per
 * (tenant, kind, reason, address) and writes one batch per flush (app.record_security_events).
 * `address` is cleared by the retention cron after SECURITY_EVENTS_ADDRESS_RETENTION_DAYS.
 */
export const securityEvents = pgTable(
  "security_events",
  {
    id: id(),
    tenantId: uuid("tenant_id"),
    kind: text("kind", { enum: SECURITY_EVENT_KINDS }).notNull(),
    reason: text("reason").notNull(),
    address: text("address"),
    count: integer("count").notNull(),
    firstSeenAt: timestamptz("first_seen_at").notNull(),
    lastSeenAt: timestamptz("last_seen_at").notNull(),
    createdAt: timestamptz("created_at").notNull().defaultNow(),
  },
  (t) => [
    index("security_events_tenant_idx").on(t.tenantId, t.lastSeenAt.desc(), t.id.desc()),
    index("security_events_last_seen_idx").on(t.lastSeenAt.desc(), t.id.desc()),
    check("security_events_count_positive", sql`${t.count} > 0`),
    pgPolicy("security_events_api_select", {
      for: "select",
      to: appApi,
      using: sql`${t.tenantId} = ${currentTenantId}`,
    }),
    pgPolicy("security_events_platform_all", { for: "all", to: appPlatform, using: sql`true`, withCheck: sql`true` }),
    pgPolicy("security_events_maintenance_update", {
      for: "update",
      to: appMaintenance,
      using: sql`true`,
      withCheck: sql`true`,
    }),
    pgPolicy("security_events_maintenance_select", { for: "select", to: appMaintenance, using: sql`true` }),
    pgPolicy("security_events_maintenance_delete", { for: "delete", to: appMaintenance, using: sql`true` }),
  ],
).enableRLS();
