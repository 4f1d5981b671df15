import { sql } from "drizzle-orm";
import { check, foreignKey, index, integer, pgPolicy, pgTable, text, uuid } from "drizzle-orm/pg-core";
import { id, timestamptz } from "./columns";
import { appMaintenance } from "./roles";
import { scrapeJobs } from "./scrape-jobs";
import { apiTenantPolicy, tenantId } from "./tenant-scoped";
import { workspacePolicy } from "./workspace-scoped";

export const SCRAPE_PAGE_OUTCOMES = ["fetched", "blocked_by_robots", "not_html", "failed"] as const;

/**
 * What a scrape saw of each page it considered: the raw snapshot of a job (status, type, size),
 * kept for provenance and debugging. Page bodies are not stored: they may hold personal data.
 */
export const scrapePages = pgTable(
  "scrape_pages",
  {
    id: id(),
    tenantId: tenantId(),
    jobId: uuid("job_id").notNull(),
    url: text("url").notNull(),
    outcome: text("outcome", { enum: SCRAPE_PAGE_OUTCOMES }).notNull(),
    httpStatus: integer("http_status"),
    contentType: text("content_type"),
    bytes: integer("bytes"),
    detail: text("detail"),
    fetchedAt: timestamptz("fetched_at").notNull().defaultNow(),
  },
  (t) => [
    foreignKey({
      name: "scrape_pages_job_fk",
      columns: [t.tenantId, t.jobId],
      foreignColumns: [scrapeJobs.tenantId, scrapeJobs.id],
    }).onDelete("cascade"),
    index("scrape_pages_tenant_job_idx").on(t.tenantId, t.jobId),
    index("scrape_pages_tenant_fetched_idx").on(t.tenantId, t.fetchedAt),
    check("scrape_pages_outcome_check", sql`${t.outcome} in ('fetched', 'blocked_by_robots', 'not_html', 'failed')`),
    apiTenantPolicy("scrape_pages_api_all", t.tenantId),
    // A page reaches its company through its job.
    workspacePolicy("scrape_pages", sql`(select j.company_id from scrape_jobs j where j.id = ${t.jobId})`),
    pgPolicy("scrape_pages_maintenance_select", { for: "select", to: appMaintenance, using: sql`true` }),
    pgPolicy("scrape_pages_maintenance_delete", { for: "delete", to: appMaintenance, using: sql`true` }),
  ],
).enableRLS();
