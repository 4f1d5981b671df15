import { sql } from "drizzle-orm";
import { check, foreignKey, index, integer, pgPolicy, pgTable, text, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import type { FailureReason } from "../../scrape/scrape-error";
import { id, timestamps, timestamptz } from "./columns";
import { companies } from "./companies";
import { appMaintenance, appPlatform } from "./roles";
import { apiTenantPolicy, tenantId } from "./tenant-scoped";
import { workspacePolicy } from "./workspace-scoped";

export const SCRAPE_JOB_STATUSES = ["queued", "running", "succeeded", "failed"] as const;
export type ScrapeJobStatus = (typeof SCRAPE_JOB_STATUSES)[number];

/**
 * A website scrape of one company. The queue message carries only the id: this row is the job's
 * state. A consumer holds a job through a lease (id and expiry) so that a stale consumer cannot
 * finish a job someone else has taken over.
 */
export const scrapeJobs = pgTable(
  "scrape_jobs",
  {
    id: id(),
    tenantId: tenantId(),
    companyId: uuid("company_id").notNull(),
    /** Where the scrape starts: the company's website when the job was requested. */
    url: text("url").notNull(),
    status: text("status", { enum: SCRAPE_JOB_STATUSES }).notNull().default("queued"),
    attempts: integer("attempts").notNull().default(0),
    pagesFetched: integer("pages_fetched").notNull().default(0),
    /** Why the job failed or was set back (a stable code) and a human-readable detail. */
    failureReason: text("failure_reason").$type<FailureReason | "internal_error">(),
    failureDetail: text("failure_detail"),
    requestedBy: uuid("requested_by"),
    leaseId: uuid("lease_id"),
    leaseExpiresAt: timestamptz("lease_expires_at"),
    /** When the queue will bring a set-back job again (its message's retry delay). */
    retryAt: timestamptz("retry_at"),
    startedAt: timestamptz("started_at"),
    finishedAt: timestamptz("finished_at"),
    ...timestamps,
  },
  (t) => [
    // Same tenant as the company, enforced by the key itself.
    foreignKey({
      name: "scrape_jobs_company_fk",
      columns: [t.tenantId, t.companyId],
      foreignColumns: [companies.tenantId, companies.id],
    }).onDelete("cascade"),
    // The target of the (tenant_id, job_id) keys of pages and signals.
    uniqueIndex("scrape_jobs_tenant_id_key").on(t.tenantId, t.id),
    // At most one live job per company: a second request gets the live one.
    uniqueIndex("scrape_jobs_live_key").on(t.tenantId, t.companyId).where(sql`${t.status} in ('queued', 'running')`),
    index("scrape_jobs_tenant_created_idx").on(t.tenantId, t.createdAt.desc(), t.id.desc()),
    index("scrape_jobs_tenant_company_idx").on(t.tenantId, t.companyId, t.createdAt.desc()),
    // Retention purges of finished jobs, tenant by tenant.
    index("scrape_jobs_tenant_finished_idx")
      .on(t.tenantId, t.finishedAt)
      .where(sql`${t.status} in ('succeeded', 'failed')`),
    // The maintenance cron's look-up of stuck and forgotten jobs.
    index("scrape_jobs_live_idx").on(t.status, t.updatedAt).where(sql`${t.status} in ('queued', 'running')`),
    check("scrape_jobs_status_check", sql`${t.status} in ('queued', 'running', 'succeeded', 'failed')`),
    apiTenantPolicy("scrape_jobs_api_all", t.tenantId),
    workspacePolicy("scrape_jobs", sql`${t.companyId}`),
    pgPolicy("scrape_jobs_maintenance_select", { for: "select", to: appMaintenance, using: sql`true` }),
    pgPolicy("scrape_jobs_maintenance_update", {
      for: "update",
      to: appMaintenance,
      using: sql`true`,
      withCheck: sql`true`,
    }),
    pgPolicy("scrape_jobs_maintenance_delete", { for: "delete", to: appMaintenance, using: sql`true` }),
    pgPolicy("scrape_jobs_platform_select", { for: "select", to: appPlatform, using: sql`true` }),
  ],
).enableRLS();
