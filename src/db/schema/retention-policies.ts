import { sql } from "drizzle-orm";
import { integer, pgPolicy, pgTable, uuid } from "drizzle-orm/pg-core";
import { timestamptz } from "./columns";
import { appAuth, appMaintenance } from "./roles";
import { apiTenantPolicy, purgeDeletePolicy } from "./tenant-scoped";
import { tenants } from "./tenants";

/**
 * A tenant's retention periods, in days, per data class; NULL means the default in code
 * (src/privacy/retention.ts). No row: every default.
 */
export const retentionPolicies = pgTable(
  "retention_policies",
  {
    tenantId: uuid("tenant_id")
      .primaryKey()
      .default(sql`app.tenant_id()`)
      .references(() => tenants.id, { onDelete: "cascade" }),
    deletedRecordsDays: integer("deleted_records_days"),
    scrapeResultsDays: integer("scrape_results_days"),
    scrapeJobsDays: integer("scrape_jobs_days"),
    auditLogDays: integer("audit_log_days"),
    eventsDays: integer("events_days"),
    updatedAt: timestamptz("updated_at").notNull().defaultNow(),
  },
  (t) => [
    apiTenantPolicy("retention_policies_api_all", t.tenantId),
    pgPolicy("retention_policies_maintenance_select", { for: "select", to: appMaintenance, using: sql`true` }),
    purgeDeletePolicy("retention_policies", t.tenantId),
    // app.restore_tenant reads the tenant's restore window (deleted_records_days).
    pgPolicy("retention_policies_auth_select", { for: "select", to: appAuth, using: sql`true` }),
  ],
).enableRLS();
