import { sql } from "drizzle-orm";
import { index, jsonb, pgPolicy, pgTable, text, uuid } from "drizzle-orm/pg-core";
import { id, timestamptz } from "./columns";
import { operators } from "./operators";
import { appPlatform } from "./roles";

/**
 * Every operator action and every read of a tenant's data by an operator, written by the
 * app.operator_* functions in the same transaction as what they record. Append-only: app_platform
 * may insert and read, nobody may update; tenant_id is not a foreign key, so the record outlives
 * a purged tenant.
 */
export const platformAuditLog = pgTable(
  "platform_audit_log",
  {
    id: id(),
    operatorId: uuid("operator_id")
      .notNull()
      .references(() => operators.id),
    action: text("action").notNull(),
    tenantId: uuid("tenant_id"),
    requestId: text("request_id"),
    metadata: jsonb("metadata").$type<Record<string, unknown>>().notNull().default({}),
    createdAt: timestamptz("created_at").notNull().defaultNow(),
  },
  (t) => [
    index("platform_audit_log_created_idx").on(t.createdAt.desc(), t.id.desc()),
    index("platform_audit_log_tenant_idx").on(t.tenantId, t.createdAt.desc()),
    pgPolicy("platform_audit_log_platform_select", { for: "select", to: appPlatform, using: sql`true` }),
    pgPolicy("platform_audit_log_platform_insert", { for: "insert", to: appPlatform, withCheck: sql`true` }),
  ],
).enableRLS();
