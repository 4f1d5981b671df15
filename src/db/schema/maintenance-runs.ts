import { sql } from "drizzle-orm";
import { bigint, boolean, index, integer, pgPolicy, pgTable, primaryKey, text, uuid } from "drizzle-orm/pg-core";
import { id, timestamptz } from "./columns";
import { currentTenantId } from "./identity";
import { appApi, appMaintenance } from "./roles";
import { tenants } from "./tenants";

export const MAINTENANCE_JOBS = ["retention_purge", "maintenance", "companies_house_refresh"] as const;

/** One cron run's receipt: when, whether it finished its work, and the longest statement. */
export const maintenanceRuns = pgTable(
  "maintenance_runs",
  {
    id: id(),
    job: text("job", { enum: MAINTENANCE_JOBS }).notNull(),
    startedAt: timestamptz("started_at").notNull().defaultNow(),
    finishedAt: timestamptz("finished_at"),
    /** False when the time budget ran out first (the next run carries on) or the run failed. */
    completed: boolean("completed").notNull().default(false),
    statements: integer("statements").notNull().default(0),
    longestStatementMs: integer("longest_statement_ms").notNull().default(0),
    error: text("error"),
  },
  (t) => [
    index("maintenance_runs_started_idx").on(t.startedAt.desc()),
    // Runs hold no tenant data; their per-tenant figures are in maintenance_run_counts.
    pgPolicy("maintenance_runs_api_select", { for: "select", to: appApi, using: sql`true` }),
    pgPolicy("maintenance_runs_maintenance_all", {
      for: "all",
      to: appMaintenance,
      using: sql`true`,
      withCheck: sql`true`,
    }),
  ],
).enableRLS();

/** Rows a run removed or changed, per tenant and data class: what a tenant's admin may see. */
export const maintenanceRunCounts = pgTable(
  "maintenance_run_counts",
  {
    runId: uuid("run_id")
      .notNull()
      .references(() => maintenanceRuns.id, { onDelete: "cascade" }),
    tenantId: uuid("tenant_id")
      .notNull()
      .references(() => tenants.id, { onDelete: "cascade" }),
    dataClass: text("data_class").notNull(),
    rows: bigint("rows", { mode: "number" }).notNull(),
  },
  (t) => [
    primaryKey({ name: "maintenance_run_counts_pkey", columns: [t.runId, t.tenantId, t.dataClass] }),
    index("maintenance_run_counts_tenant_idx").on(t.tenantId, t.runId),
    pgPolicy("maintenance_run_counts_api_select", {
      for: "select",
      to: appApi,
      using: sql`${t.tenantId} = ${currentTenantId}`,
    }),
    pgPolicy("maintenance_run_counts_maintenance_all", {
      for: "all",
      to: appMaintenance,
      using: sql`true`,
      withCheck: sql`true`,
    }),
  ],
).enableRLS();

/** Who runs a cron job right now: overlapping invocations take turns instead of racing. */
export const maintenanceLeases = pgTable(
  "maintenance_leases",
  {
    job: text("job").primaryKey(),
    holder: uuid("holder").notNull(),
    expiresAt: timestamptz("expires_at").notNull(),
  },
  () => [
    pgPolicy("maintenance_leases_maintenance_all", {
      for: "all",
      to: appMaintenance,
      using: sql`true`,
      withCheck: sql`true`,
    }),
  ],
).enableRLS();
