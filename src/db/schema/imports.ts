import { sql } from "drizzle-orm";
import {
  check,
  foreignKey,
  index,
  integer,
  pgPolicy,
  pgTable,
  primaryKey,
  text,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { id, timestamps, timestamptz } from "./columns";
import { appApi, appMaintenance } from "./roles";
import { apiTenantPolicy, purgeDeletePolicy, purgePolicies, tenantId } from "./tenant-scoped";
import { currentWorkspaceIds } from "./workspace-scoped";

export const IMPORT_STATUSES = ["queued", "running", "paused", "completed"] as const;
export type ImportStatus = (typeof IMPORT_STATUSES)[number];
export const IMPORT_ROW_KINDS = ["company_number", "website"] as const;
export const IMPORT_ROW_STATUSES = ["pending", "created", "existing", "failed"] as const;
/** Why an import waits: Companies House is down, or the shared request budget is spent for now. */
export const IMPORT_PAUSE_REASONS = ["companies_house_unavailable"] as const;

/**
 * A bulk import (POST /v1/imports). Its rows are in import_rows; the queue message carries only
 * the id. A consumer holds an import through a lease, so two deliveries never work on it at once;
 * the counters move in the same transaction as the rows they count.
 */
export const imports = pgTable(
  "imports",
  {
    id: id(),
    tenantId: tenantId(),
    status: text("status", { enum: IMPORT_STATUSES }).notNull().default("queued"),
    total: integer("total").notNull(),
    created: integer("created").notNull().default(0),
    existing: integer("existing").notNull().default(0),
    failed: integer("failed").notNull().default(0),
    requestedBy: uuid("requested_by"),
    leaseId: uuid("lease_id"),
    leaseExpiresAt: timestamptz("lease_expires_at"),
    pausedReason: text("paused_reason", { enum: IMPORT_PAUSE_REASONS }),
    /** When a paused or set-back import's next message is due. */
    resumeAt: timestamptz("resume_at"),
    finishedAt: timestamptz("finished_at"),
    ...timestamps,
  },
  (t) => [
    uniqueIndex("imports_tenant_id_key").on(t.tenantId, t.id),
    index("imports_tenant_created_idx").on(t.tenantId, t.createdAt.desc(), t.id.desc()),
    // The maintenance cron's look-up of imports whose message was lost.
    index("imports_live_idx").on(t.status, t.updatedAt).where(sql`${t.status} <> 'completed'`),
    check("imports_status_check", sql`${t.status} in ('queued', 'running', 'paused', 'completed')`),
    check("imports_counts_check", sql`${t.created} + ${t.existing} + ${t.failed} <= ${t.total}`),
    apiTenantPolicy("imports_api_all", t.tenantId),
    // An import's companies land in no workspace, so a member confined to workspaces may not
    // start one, as they may not create a company (403, nothing written).
    pgPolicy("imports_api_whole_tenant_insert", {
      as: "restrictive",
      for: "insert",
      to: appApi,
      withCheck: sql`${currentWorkspaceIds} is null`,
    }),
    pgPolicy("imports_maintenance_select", { for: "select", to: appMaintenance, using: sql`true` }),
    pgPolicy("imports_maintenance_update", {
      for: "update",
      to: appMaintenance,
      using: sql`true`,
      withCheck: sql`true`,
    }),
    purgeDeletePolicy("imports", t.tenantId),
  ],
).enableRLS();

/**
 * One row of an import, validated when the import was created: a malformed row is stored as
 * `failed` with its problem, and the others go on. `value` is the normalised company number or
 * website origin; `domain` the website's domain (matching companies.domain).
 */
export const importRows = pgTable(
  "import_rows",
  {
    tenantId: tenantId(),
    importId: uuid("import_id").notNull(),
    rowNumber: integer("row_number").notNull(),
    kind: text("kind", { enum: IMPORT_ROW_KINDS }),
    input: text("input").notNull(),
    value: text("value"),
    domain: text("domain"),
    /** A row with both columns: the website given beside the company number. */
    website: text("website"),
    status: text("status", { enum: IMPORT_ROW_STATUSES }).notNull().default("pending"),
    problemType: text("problem_type"),
    detail: text("detail"),
    companyId: uuid("company_id"),
    scrapeJobId: uuid("scrape_job_id"),
    processedAt: timestamptz("processed_at"),
  },
  (t) => [
    primaryKey({ name: "import_rows_pkey", columns: [t.importId, t.rowNumber] }),
    foreignKey({
      name: "import_rows_import_fk",
      columns: [t.tenantId, t.importId],
      foreignColumns: [imports.tenantId, imports.id],
    }).onDelete("cascade"),
    // The consumer's next chunk, and duplicates of a value within one import.
    index("import_rows_pending_idx").on(t.importId, t.rowNumber).where(sql`${t.status} = 'pending'`),
    index("import_rows_value_idx").on(t.importId, t.value),
    index("import_rows_failed_idx").on(t.importId, t.rowNumber).where(sql`${t.status} = 'failed'`),
    check("import_rows_status_check", sql`${t.status} in ('pending', 'created', 'existing', 'failed')`),
    check("import_rows_pending_valid_check", sql`${t.status} <> 'pending' or ${t.value} is not null`),
    apiTenantPolicy("import_rows_api_all", t.tenantId),
    ...purgePolicies("import_rows", t.tenantId),
  ],
).enableRLS();
