import { sql } from "drizzle-orm";
import {
  bigint,
  boolean,
  check,
  foreignKey,
  index,
  integer,
  pgPolicy,
  pgTable,
  text,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { DELIVERY_STATUSES } from "../../webhooks/delivery-status";
import { timestamps, timestamptz } from "./columns";
import { events, xid8 } from "./events";
import { appAuth, appMaintenance } from "./roles";
import { apiTenantPolicy, purgeDeletePolicy, tenantId } from "./tenant-scoped";

export { DELIVERY_STATUSES, type DeliveryStatus } from "../../webhooks/delivery-status";

/**
 * Where a tenant wants its events pushed. The signing secret is kept encrypted (AES-GCM with the
 * Worker's WEBHOOK_SECRETS_KEY, bound to the endpoint id): the database never holds it in clear.
 * After a rotation the previous secret keeps signing too until `previous_secret_expires_at`.
 */
export const webhookEndpoints = pgTable(
  "webhook_endpoints",
  {
    id: uuid("id").primaryKey(),
    tenantId: tenantId(),
    url: text("url").notNull(),
    description: text("description"),
    enabledEvents: text("enabled_events").array().notNull(),
    enabled: boolean("enabled").notNull().default(true),
    /** Why delivery stopped on its own: `gone` (the receiver answered 410), `failing` (5 days). */
    disabledReason: text("disabled_reason", { enum: ["gone", "failing"] }),
    secret: text("secret").notNull(),
    previousSecret: text("previous_secret"),
    previousSecretExpiresAt: timestamptz("previous_secret_expires_at"),
    /** First failed attempt since the last success; five days of it disable the endpoint. */
    failingSince: timestamptz("failing_since"),
    ...timestamps,
  },
  (t) => [
    uniqueIndex("webhook_endpoints_tenant_id_key").on(t.tenantId, t.id),
    check("webhook_endpoints_disabled_reason_check", sql`${t.disabledReason} in ('gone', 'failing')`),
    apiTenantPolicy("webhook_endpoints_api_all", t.tenantId),
    pgPolicy("webhook_endpoints_auth_select", { for: "select", to: appAuth, using: sql`true` }),
    pgPolicy("webhook_endpoints_auth_update", { for: "update", to: appAuth, using: sql`true`, withCheck: sql`true` }),
    pgPolicy("webhook_endpoints_maintenance_select", { for: "select", to: appMaintenance, using: sql`true` }),
    purgeDeletePolicy("webhook_endpoints", t.tenantId),
  ],
).enableRLS();

/**
 * One event for one endpoint: created with the event (same transaction), sent through the
 * webhook queue, retried on the published schedule. A consumer holds it through a lease so a
 * duplicate queue message cannot send it twice at once.
 */
export const webhookDeliveries = pgTable(
  "webhook_deliveries",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    tenantId: tenantId(),
    endpointId: uuid("endpoint_id").notNull(),
    eventId: bigint("event_id", { mode: "number" })
      .notNull()
      .references(() => events.id, { onDelete: "cascade" }),
    status: text("status", { enum: DELIVERY_STATUSES }).notNull().default("pending"),
    attempts: integer("attempts").notNull().default(0),
    nextAttemptAt: timestamptz("next_attempt_at").defaultNow(),
    leaseId: uuid("lease_id"),
    leaseExpiresAt: timestamptz("lease_expires_at"),
    lastAttemptAt: timestamptz("last_attempt_at"),
    responseStatus: integer("response_status"),
    durationMs: integer("duration_ms"),
    lastError: text("last_error"),
    /** The transaction that created it: the request sends its own deliveries to the queue. */
    txid: xid8("txid").notNull().default(sql`pg_current_xact_id()`),
    ...timestamps,
  },
  (t) => [
    foreignKey({
      name: "webhook_deliveries_endpoint_fk",
      columns: [t.tenantId, t.endpointId],
      foreignColumns: [webhookEndpoints.tenantId, webhookEndpoints.id],
    }).onDelete("cascade"),
    uniqueIndex("webhook_deliveries_endpoint_event_key").on(t.endpointId, t.eventId),
    index("webhook_deliveries_endpoint_created_idx").on(t.tenantId, t.endpointId, t.createdAt.desc(), t.id.desc()),
    // The outbox sweep: pending deliveries by due time.
    index("webhook_deliveries_due_idx").on(t.nextAttemptAt).where(sql`${t.status} = 'pending'`),
    index("webhook_deliveries_txid_idx").on(t.txid).where(sql`${t.status} = 'pending'`),
    index("webhook_deliveries_event_idx").on(t.eventId),
    check("webhook_deliveries_status_check", sql`${t.status} in ('pending', 'succeeded', 'failed')`),
    apiTenantPolicy("webhook_deliveries_api_all", t.tenantId),
    pgPolicy("webhook_deliveries_auth_select", { for: "select", to: appAuth, using: sql`true` }),
    pgPolicy("webhook_deliveries_auth_insert", { for: "insert", to: appAuth, withCheck: sql`true` }),
    pgPolicy("webhook_deliveries_auth_update", {
      for: "update",
      to: appAuth,
      using: sql`true`,
      withCheck: sql`true`,
    }),
    pgPolicy("webhook_deliveries_maintenance_select", { for: "select", to: appMaintenance, using: sql`true` }),
    purgeDeletePolicy("webhook_deliveries", t.tenantId),
  ],
).enableRLS();
