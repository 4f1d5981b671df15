import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import { sql } from "drizzle-orm";
import type { AppEnv } from "../../app-env";
import { ApiError } from "../../errors/api-error";
import { problemResponses } from "../../errors/problem";
import { V1_PROBLEMS, v1Access } from "../v1-route";
import { enqueueScrapeJob } from "./enqueue";
import {
  SCRAPE_COST,
  SCRAPE_JOB_COLUMNS,
  type ScrapeJobRow,
  scrapeJobBody,
  scrapeJobIdParamSchema,
  scrapeJobSchema,
} from "./schemas";

export const retryScrapeJobRoute = createRoute({
  method: "post",
  path: "/v1/scrape-jobs/{id}/retry",
  operationId: "retryScrapeJob",
  tags: ["Scrape jobs"],
  summary: "Retry a failed scrape job",
  description: "Only a failed job can be retried, and only while no other job for the company is live (else 409).",
  ...v1Access({ role: "editor", scope: "companies:write" }, { cost: SCRAPE_COST, module: "web_scrape" }),
  request: { params: scrapeJobIdParamSchema },
  responses: {
    ...V1_PROBLEMS,
    202: { description: "Queued again", content: { "application/json": { schema: scrapeJobSchema } } },
    ...problemResponses(402, 409),
  },
});

export const retryScrapeJob = new OpenAPIHono<AppEnv>().openapi(retryScrapeJobRoute, async (c) => {
  const { id } = c.req.valid("param");
  const {
    results: [before, after],
  } = await c.var.scoped.batch((db) => [
    db.execute<{ status: string }>(sql`select status from scrape_jobs where id = ${id}`),
    // A unique violation here means another job for the company is live: 409.
    // A retry is a new scrape: it counts against the scrape_jobs quota (over it: 402, nothing changes).
    db.execute<ScrapeJobRow>(sql`with retried as (
        update scrape_jobs set status = 'queued', attempts = 0, failure_reason = null,
          failure_detail = null, started_at = null, finished_at = null, pages_fetched = 0, retry_at = null
        where id = ${id} and status = 'failed'
        returning ${SCRAPE_JOB_COLUMNS})
      select * from retried where app.meter('scrape_jobs', 1) > 0`),
  ]);
  const [found] = before.rows;
  if (!found) throw new ApiError("not_found", "No scrape job with that id in this tenant.");
  const [job] = after.rows;
  if (!job) throw new ApiError("conflict", `Only failed jobs can be retried; this one is ${found.status}.`);
  await enqueueScrapeJob(c, job.id);
  return c.json(scrapeJobBody(job), 202);
});
