import { sql } from "drizzle-orm";
import { bigint, customType, index, jsonb, pgPolicy, pgTable, text } from "drizzle-orm/pg-core";
import type { EventType } from "../../events/types";
import { timestamptz } from "./columns";
import { currentTenantId } from "./identity";
import { appApi, appAuth, appMaintenance } from "./roles";
import { tenantId } from "./tenant-scoped";
import { workspacePolicy } from "./workspace-scoped";

/** Postgres' 64-bit transaction id (pg_current_xact_id()); read as text. */
export const xid8 = customType<{ data: string; driverData: string }>({ dataType: () => "xid8" });

/**
 * The transactional outbox: one row per change worth telling, written by triggers in the change's
 * own transaction (app.emit_event). The feed reads it in (txid, id) order and only below the
 * reader's snapshot xmin, so an event whose transaction commits late never lands behind a cursor
 * (README "Events"). The API role reads its tenant's rows and writes none itself.
 */
export const events = pgTable(
  "events",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    tenantId: tenantId(),
    type: text("type").$type<EventType>().notNull(),
    /** What the event is about (`company`, `contact`, ...) and its id: erasure scrubs by it. */
    resourceType: text("resource_type").notNull(),
    resourceId: text("resource_id"),
    data: jsonb("data").$type<Record<string, unknown>>().notNull(),
    requestId: text("request_id").default(sql`app.request_id()`),
    txid: xid8("txid").notNull().default(sql`pg_current_xact_id()`),
    createdAt: timestamptz("created_at").notNull().defaultNow(),
  },
  (t) => [
    index("events_tenant_feed_idx").on(t.tenantId, t.txid, t.id),
    index("events_tenant_created_idx").on(t.tenantId, t.createdAt),
    index("events_tenant_resource_idx").on(t.tenantId, t.resourceType, t.resourceId),
    pgPolicy("events_api_select", { for: "select", to: appApi, using: sql`${t.tenantId} = ${currentTenantId}` }),
    // A member confined to workspaces sees the events of their workspaces' companies (and of what
    // hangs off them, which carries company_id), and none about the tenant as a whole.
    workspacePolicy(
      "events",
      sql`(case when ${t.resourceType} = 'company' then ${t.resourceId} else ${t.data} ->> 'company_id' end)::uuid`,
    ),
    // Written and scrubbed (erasure) by the SECURITY DEFINER trigger functions, owned by app_auth.
    pgPolicy("events_auth_select", { for: "select", to: appAuth, using: sql`true` }),
    pgPolicy("events_auth_insert", { for: "insert", to: appAuth, withCheck: sql`true` }),
    pgPolicy("events_auth_update", { for: "update", to: appAuth, using: sql`true`, withCheck: sql`true` }),
    // Retention purges (default 30 days) run across tenants as the maintenance role.
    pgPolicy("events_maintenance_select", { for: "select", to: appMaintenance, using: sql`true` }),
    pgPolicy("events_maintenance_delete", { for: "delete", to: appMaintenance, using: sql`true` }),
  ],
).enableRLS();
