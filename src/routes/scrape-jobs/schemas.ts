import { z } from "@hono/zod-openapi";
import { getTableColumns } from "drizzle-orm";
import { SCRAPE_JOB_STATUSES, scrapeJobs } from "../../db/schema/scrape-jobs";
import { SCRAPE_PAGE_OUTCOMES } from "../../db/schema/scrape-pages";
import { omitColumns, type RowOf, selectList } from "../../db/selection";
import { isoTimestamp, timestampSchema } from "../../http/timestamps";
import { MAX_URL } from "../../scrape/extract";
import { FAILURE_REASONS } from "../../scrape/scrape-error";

/** The largest SCRAPE_MAX_PAGES the configuration accepts. */
const MAX_PAGES = 50;
const INT32_MAX = 2_147_483_647;

export const scrapePageSchema = z
  .object({
    url: z.string().max(MAX_URL),
    outcome: z.enum(SCRAPE_PAGE_OUTCOMES),
    http_status: z.number().int().min(100).max(599).nullable(),
    content_type: z.string().max(200).nullable(),
    bytes: z.number().int().min(0).max(INT32_MAX).nullable(),
    detail: z.string().max(1000).nullable(),
    fetched_at: timestampSchema,
  })
  .openapi("ScrapePage");

export const scrapeJobSchema = z
  .object({
    id: z.uuid(),
    company_id: z.uuid(),
    url: z.string().max(MAX_URL).openapi({ description: "Where the scrape starts" }),
    status: z.enum(SCRAPE_JOB_STATUSES),
    attempts: z.number().int().min(0).max(INT32_MAX),
    pages_fetched: z.number().int().min(0).max(MAX_PAGES),
    failure_reason: z
      .enum([...FAILURE_REASONS, "internal_error"])
      .nullable()
      .openapi({ description: "Why it failed, or why the last attempt was set back (transient)" }),
    failure_detail: z.string().max(1000).nullable(),
    created_at: timestampSchema,
    started_at: timestampSchema.nullable(),
    finished_at: timestampSchema.nullable(),
    pages: z
      .array(scrapePageSchema)
      .max(MAX_PAGES)
      .optional()
      .openapi({ description: "What the scrape saw (single job only)" }),
  })
  .openapi("ScrapeJob");

export type ScrapeJobBody = z.infer<typeof scrapeJobSchema>;

/** The columns a scrape job's API body is made of (no tenant, requester, lease or retry time). */
export const scrapeJobColumns = omitColumns(
  getTableColumns(scrapeJobs),
  "tenantId",
  "requestedBy",
  "leaseId",
  "leaseExpiresAt",
  "retryAt",
  "updatedAt",
);

/** A scrape_jobs row as raw SQL returns it (column names). */
export type ScrapeJobRow = RowOf<typeof scrapeJobColumns>;

/** The select list of `scrapeJobColumns` (timestamps as text). */
export const SCRAPE_JOB_COLUMNS = selectList(scrapeJobColumns);

export function scrapeJobBody(row: ScrapeJobRow): ScrapeJobBody {
  return {
    id: row.id,
    company_id: row.company_id,
    url: row.url,
    status: row.status,
    attempts: row.attempts,
    pages_fetched: row.pages_fetched,
    failure_reason: row.failure_reason,
    failure_detail: row.failure_detail,
    created_at: isoTimestamp(row.created_at),
    started_at: isoTimestamp(row.started_at),
    finished_at: isoTimestamp(row.finished_at),
  };
}

export const scrapeJobIdParamSchema = z.object({ id: z.uuid().openapi({ param: { name: "id", in: "path" } }) });

/** The scrape request's rate-limit cost: it makes several outbound requests. */
export const SCRAPE_COST = 10;
