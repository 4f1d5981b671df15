import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import { sql } from "drizzle-orm";
import type { AppEnv } from "../../app-env";
import { scrapePages } from "../../db/schema/scrape-pages";
import { type RowOf, selectList } from "../../db/selection";
import { ApiError } from "../../errors/api-error";
import { isoTimestamp } from "../../http/timestamps";
import { V1_PROBLEMS, v1Access } from "../v1-route";
import {
  SCRAPE_JOB_COLUMNS,
  type ScrapeJobRow,
  scrapeJobBody,
  scrapeJobIdParamSchema,
  scrapeJobSchema,
} from "./schemas";

export const getScrapeJobRoute = createRoute({
  method: "get",
  path: "/v1/scrape-jobs/{id}",
  operationId: "getScrapeJob",
  tags: ["Scrape jobs"],
  summary: "A scrape job, with the pages it saw",
  description: "Status, attempts, why it failed, and every page it fetched or skipped.",
  ...v1Access({ role: "viewer", scope: "companies:read" }, { module: "web_scrape" }),
  request: { params: scrapeJobIdParamSchema },
  responses: {
    ...V1_PROBLEMS,
    200: { description: "The job", content: { "application/json": { schema: scrapeJobSchema } } },
  },
});

/** What a job's body shows of each page it saw. */
const pageColumns = {
  url: scrapePages.url,
  outcome: scrapePages.outcome,
  httpStatus: scrapePages.httpStatus,
  contentType: scrapePages.contentType,
  bytes: scrapePages.bytes,
  detail: scrapePages.detail,
  fetchedAt: scrapePages.fetchedAt,
};

export const getScrapeJob = new OpenAPIHono<AppEnv>().openapi(getScrapeJobRoute, async (c) => {
  const { id } = c.req.valid("param");
  const {
    results: [job, pages],
  } = await c.var.scoped.batch((db) => [
    db.execute<ScrapeJobRow>(sql`select ${SCRAPE_JOB_COLUMNS} from scrape_jobs where id = ${id}`),
    db.execute<RowOf<typeof pageColumns>>(
      sql`select ${selectList(pageColumns)} from scrape_pages where job_id = ${id} order by fetched_at, id`,
    ),
  ]);
  const [row] = job.rows;
  if (!row) throw new ApiError("not_found", "No scrape job with that id in this tenant.");
  return c.json(
    { ...scrapeJobBody(row), pages: pages.rows.map((p) => ({ ...p, fetched_at: isoTimestamp(p.fetched_at) })) },
    200,
  );
});
