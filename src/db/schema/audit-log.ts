import { sql } from "drizzle-orm";
import { check, index, jsonb, pgPolicy, pgTable, text, uuid } from "drizzle-orm/pg-core";
import { id, timestamptz } from "./columns";
import { currentTenantId } from "./identity";
import { appApi, appAuth, appMaintenance, appPlatform } from "./roles";
import { tenantId } from "./tenant-scoped";

export const ACTOR_TYPES = ["user", "api_key", "system", "operator"] as const;

/**
 * Append-only: the API role may insert and read its tenant's rows, never update or delete them.
 * Tenant, actor and request id default to the identity set by app.begin_request, so a request
 * cannot write an entry in someone else's name.
 */
export const auditLog = pgTable(
  "audit_log",
  {
    id: id(),
    tenantId: tenantId(),
    actorType: text("actor_type", { enum: ACTOR_TYPES }).notNull().default(sql`app.actor_type()`),
    actorId: uuid("actor_id").default(sql`app.actor_id()`),
    action: text("action").notNull(),
    targetType: text("target_type"),
    targetId: text("target_id"),
    requestId: text("request_id").default(sql`app.request_id()`),
    metadata: jsonb("metadata").$type<Record<string, unknown>>().notNull().default({}),
    createdAt: timestamptz("created_at").notNull().defaultNow(),
  },
  (t) => [
    index("audit_log_tenant_created_idx").on(t.tenantId, t.createdAt.desc(), t.id.desc()),
    index("audit_log_tenant_target_idx").on(t.tenantId, t.targetType, t.targetId),
    // Who did what: a data subject's export finds their own actions.
    index("audit_log_tenant_actor_idx").on(t.tenantId, t.actorId),
    check("audit_log_actor_type_check", sql`${t.actorType} in ('user', 'api_key', 'system', 'operator')`),
    pgPolicy("audit_log_api_select", { for: "select", to: appApi, using: sql`${t.tenantId} = ${currentTenantId}` }),
    // An entry the API writes itself (a privileged read) names the caller and the request as the
    // sealed identity does, never someone else.
    pgPolicy("audit_log_api_insert", {
      for: "insert",
      to: appApi,
      withCheck: sql`${t.tenantId} = ${currentTenantId} and ${t.actorType} = (select app.actor_type())
        and ${t.actorId} is not distinct from (select app.actor_id())
        and ${t.requestId} is not distinct from (select app.request_id())`,
    }),
    // The audit trigger runs as app_auth so it can record tenant creation before any identity.
    pgPolicy("audit_log_auth_insert", { for: "insert", to: appAuth, withCheck: sql`true` }),
    // Retention purges run across tenants as the maintenance role.
    pgPolicy("audit_log_maintenance_select", { for: "select", to: appMaintenance, using: sql`true` }),
    pgPolicy("audit_log_maintenance_delete", { for: "delete", to: appMaintenance, using: sql`true` }),
    pgPolicy("audit_log_platform_select", { for: "select", to: appPlatform, using: sql`true` }),
  ],
).enableRLS();

export type AuditLogEntry = typeof auditLog.$inferSelect;
