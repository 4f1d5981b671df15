import { sql } from "drizzle-orm";
import { jsonb, pgPolicy, pgTable, uuid } from "drizzle-orm/pg-core";
import { timestamptz } from "./columns";
import { appMaintenance } from "./roles";

/**
 * Proof that a deleted tenant's data was purged, kept after the tenant is gone (so no foreign
 * key): when it was deleted, when the purge began and ended, and how many rows of each table it
 * removed. Counts and times only: no name, slug or personal data.
 */
export const tenantPurgeReceipts = pgTable(
  "tenant_purge_receipts",
  {
    /** Not tenant_id: the tenant is gone, and nothing here belongs to a tenant any more. */
    purgedTenantId: uuid("purged_tenant_id").primaryKey(),
    deletedAt: timestamptz("deleted_at").notNull(),
    purgeStartedAt: timestamptz("purge_started_at").notNull().defaultNow(),
    /** Null while the purge is under way (a cut run carries on next time). */
    purgedAt: timestamptz("purged_at"),
    /** Rows removed, per table: `{"companies": 120, "contacts": 340, …, "tenants": 1}`. */
    rows: jsonb("rows").$type<Record<string, number>>().notNull().default({}),
  },
  () => [
    pgPolicy("tenant_purge_receipts_maintenance_all", {
      for: "all",
      to: appMaintenance,
      using: sql`true`,
      withCheck: sql`true`,
    }),
  ],
).enableRLS();

export type TenantPurgeReceipt = typeof tenantPurgeReceipts.$inferSelect;
