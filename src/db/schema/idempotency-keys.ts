import { sql } from "drizzle-orm";
import { index, integer, jsonb, pgPolicy, pgTable, primaryKey, text } from "drizzle-orm/pg-core";
import { timestamptz } from "./columns";
import { appMaintenance } from "./roles";
import { apiTenantPolicy, tenantId } from "./tenant-scoped";

/**
 * Idempotency-Key records (IETF httpapi draft), per tenant and key. The first request stores the
 * hash of its payload and, in the same transaction as its effect, the response it produced.
 */
export const idempotencyKeys = pgTable(
  "idempotency_keys",
  {
    tenantId: tenantId(),
    key: text("key").notNull(),
    /** Method, path and SHA-256 of the body: another payload under the same key is a 422. */
    requestHash: text("request_hash").notNull(),
    status: integer("status"),
    response: jsonb("response"),
    createdAt: timestamptz("created_at").notNull().defaultNow(),
    expiresAt: timestamptz("expires_at").notNull().default(sql`now() + interval '24 hours'`),
  },
  (t) => [
    primaryKey({ name: "idempotency_keys_pkey", columns: [t.tenantId, t.key] }),
    index("idempotency_keys_expires_idx").on(t.expiresAt),
    apiTenantPolicy("idempotency_keys_api_all", t.tenantId),
    pgPolicy("idempotency_keys_maintenance_delete", { for: "delete", to: appMaintenance, using: sql`true` }),
  ],
).enableRLS();
