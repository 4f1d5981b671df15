import { sql } from "drizzle-orm";
import {
  bigint,
  boolean,
  check,
  foreignKey,
  index,
  integer,
  jsonb,
  pgPolicy,
  pgTable,
  primaryKey,
  text,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { id, timestamps, timestamptz } from "./columns";
import { companies } from "./companies";
import { currentUserId } from "./identity";
import { appApi, appAuth, appMaintenance } from "./roles";
import { apiTenantPolicy, purgeDeletePolicy, tenantId } from "./tenant-scoped";
import { currentWorkspaceIds } from "./workspace-scoped";

export const EXPORT_FORMATS = ["csv", "ndjson"] as const;
export const EXPORT_INCLUDES = ["contacts", "signals"] as const;
export const EXPORT_STATUSES = ["queued", "running", "succeeded", "failed"] as const;
export type ExportStatus = (typeof EXPORT_STATUSES)[number];

/**
 * A bulk export of the company list to a file in R2. The rows it exports are fixed when it is
 * requested (export_companies, under the requester's row-level security, workspaces included) and
 * metered then; the queue consumer writes them and, like a scrape job, holds the job by a lease.
 */
export const exportJobs = pgTable(
  "export_jobs",
  {
    id: id(),
    tenantId: tenantId(),
    format: text("format", { enum: EXPORT_FORMATS }).notNull(),
    include: text("include").array().notNull().default(sql`'{}'::text[]`),
    /** The company-list filters as the request gave them (validated), for the record. */
    filters: jsonb("filters").$type<Record<string, unknown>>().notNull().default({}),
    status: text("status", { enum: EXPORT_STATUSES }).notNull().default("queued"),
    /** Companies selected (and metered as `exported_rows`) when the export was requested. */
    rowCount: integer("row_count").notNull(),
    /** More companies matched than an export may hold (EXPORT_MAX_ROWS): the first ones were taken. */
    truncated: boolean("truncated").notNull().default(false),
    /** Rows the finished file holds (companies deleted since the request are left out). */
    rowsWritten: integer("rows_written"),
    bytes: bigint("bytes", { mode: "number" }),
    objectKey: text("object_key"),
    attempts: integer("attempts").notNull().default(0),
    error: text("error"),
    requestedBy: uuid("requested_by").default(sql`app.user_id()`),
    leaseId: uuid("lease_id"),
    leaseExpiresAt: timestamptz("lease_expires_at"),
    /** When the queue will bring a set-back job again (its message's retry delay). */
    retryAt: timestamptz("retry_at"),
    startedAt: timestamptz("started_at"),
    finishedAt: timestamptz("finished_at"),
    ...timestamps,
  },
  (t) => [
    uniqueIndex("export_jobs_tenant_id_key").on(t.tenantId, t.id),
    index("export_jobs_tenant_created_idx").on(t.tenantId, t.createdAt.desc(), t.id.desc()),
    // The maintenance cron's look-up of stuck and forgotten jobs.
    index("export_jobs_live_idx").on(t.status, t.updatedAt).where(sql`${t.status} in ('queued', 'running')`),
    check("export_jobs_status_check", sql`${t.status} in ('queued', 'running', 'succeeded', 'failed')`),
    check("export_jobs_format_check", sql`${t.format} in ('csv', 'ndjson')`),
    check("export_jobs_include_check", sql`${t.include} <@ array['contacts', 'signals']::text[]`),
    apiTenantPolicy("export_jobs_api_all", t.tenantId),
    // A member confined to workspaces sees only the exports they asked for: another member's file
    // may hold companies outside their workspaces.
    pgPolicy("export_jobs_api_workspace", {
      as: "restrictive",
      for: "all",
      to: appApi,
      using: sql`${currentWorkspaceIds} is null or ${t.requestedBy} = ${currentUserId}`,
      withCheck: sql`${currentWorkspaceIds} is null or ${t.requestedBy} = ${currentUserId}`,
    }),
    // The consumer's claim and the download's audit run as app_auth (the message names no tenant).
    pgPolicy("export_jobs_auth_select", { for: "select", to: appAuth, using: sql`true` }),
    pgPolicy("export_jobs_auth_update", { for: "update", to: appAuth, using: sql`true`, withCheck: sql`true` }),
    // The maintenance cron puts back jobs whose consumer died or whose message was lost.
    pgPolicy("export_jobs_maintenance_select", { for: "select", to: appMaintenance, using: sql`true` }),
    pgPolicy("export_jobs_maintenance_update", {
      for: "update",
      to: appMaintenance,
      using: sql`true`,
      withCheck: sql`true`,
    }),
    purgeDeletePolicy("export_jobs", t.tenantId),
  ],
).enableRLS();

/** The companies an export holds, in file order: chosen once, so a retried job writes the same file. */
export const exportCompanies = pgTable(
  "export_companies",
  {
    tenantId: tenantId(),
    exportId: uuid("export_id").notNull(),
    position: integer("position").notNull(),
    companyId: uuid("company_id").notNull(),
  },
  (t) => [
    primaryKey({ name: "export_companies_pkey", columns: [t.tenantId, t.exportId, t.position] }),
    foreignKey({
      name: "export_companies_export_fk",
      columns: [t.tenantId, t.exportId],
      foreignColumns: [exportJobs.tenantId, exportJobs.id],
    }).onDelete("cascade"),
    foreignKey({
      name: "export_companies_company_fk",
      columns: [t.tenantId, t.companyId],
      foreignColumns: [companies.tenantId, companies.id],
    }).onDelete("cascade"),
    index("export_companies_company_idx").on(t.tenantId, t.companyId),
    apiTenantPolicy("export_companies_api_all", t.tenantId),
    // A failed export's list goes with app.fail_dead_export_job (which runs as app_auth).
    pgPolicy("export_companies_auth_delete", { for: "delete", to: appAuth, using: sql`true` }),
    pgPolicy("export_companies_auth_select", { for: "select", to: appAuth, using: sql`true` }),
    pgPolicy("export_companies_maintenance_delete", { for: "delete", to: appMaintenance, using: sql`true` }),
    pgPolicy("export_companies_maintenance_select", { for: "select", to: appMaintenance, using: sql`true` }),
  ],
).enableRLS();
