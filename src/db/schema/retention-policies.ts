import { sql } from "drizzle-orm";
import { integer, pgPolicy, pgTable, timestamp, uuid } from "drizzle-orm/pg-core";
import { currentTenantId } from "./identity";
import { appApi, appMaintenance } from "./roles";
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
    updatedAt: timestamp("updated_at", { withTimezone: true, mode: "string" }).notNull().defaultNow(),
  },
  (t) => [
    pgPolicy("retention_policies_api_all", {
      for: "all",
      to: appApi,
      using: sql`${t.tenantId} = ${currentTenantId}`,
      withCheck: sql`${t.tenantId} = ${currentTenantId}`,
    }),
    pgPolicy("retention_policies_maintenance_select", { for: "select", to: appMaintenance, using: sql`true` }),
  ],
).enableRLS();
