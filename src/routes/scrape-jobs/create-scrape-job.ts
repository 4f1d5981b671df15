import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import { sql } from "drizzle-orm";
import type { Context } from "hono";
import type { AppEnv } from "../../app-env";
import { ApiError } from "../../errors/api-error";
import { problemResponses } from "../../errors/problem";
import { responseHeaders } from "../../openapi/headers";
import { companyIdParamSchema } from "../companies/schemas";
import { V1_PROBLEMS, v1Access } from "../v1-route";
import { enqueueScrapeJob } from "./enqueue";
import { SCRAPE_COST, SCRAPE_JOB_COLUMNS, type ScrapeJobRow, scrapeJobBody, scrapeJobSchema } from "./schemas";

export const createScrapeJobRoute = createRoute({
  method: "post",
  path: "/v1/companies/{id}/scrape",
  operationId: "createScrapeJob",
  tags: ["Scrape jobs"],
  summary: "Scrape the company's website",
  description:
    "Queues a scrape of the company's website (robots.txt honoured). While a job for the company is queued or " +
    "running, the request returns that job (200) instead of queueing another (202).",
  ...v1Access({ role: "editor", scope: "companies:write" }, { cost: SCRAPE_COST, module: "web_scrape" }),
  request: { params: companyIdParamSchema },
  responses: {
    ...V1_PROBLEMS,
    200: {
      description: "A job for this company is already live",
      headers: responseHeaders("Location"),
      content: { "application/json": { schema: scrapeJobSchema } },
    },
    202: {
      description: "Queued",
      headers: responseHeaders("Location"),
      content: { "application/json": { schema: scrapeJobSchema } },
    },
    ...problemResponses(402, 409, 422),
  },
});

type Outcome = ScrapeJobRow & { created: boolean };

/** The company's queued or running job (at most one: a partial unique index). */
const liveJobOf = (companyId: string) => sql`select ${SCRAPE_JOB_COLUMNS}, false as created from scrape_jobs
  where company_id = ${companyId} and status in ('queued', 'running')`;

/**
 * A concurrent request created the live job after this statement's snapshot was taken (its
 * insert waited for that one, then did nothing): read it now that it is committed.
 */
async function liveJob(c: Context<AppEnv>, companyId: string): Promise<Outcome> {
  const {
    results: [found],
  } = await c.var.scoped.batch((db) => [db.execute<Outcome>(liveJobOf(companyId))]);
  const [job] = found.rows;
  if (!job) {
    throw new ApiError("conflict", "A scrape of this company was just requested and has already finished; retry.", {
      headers: { "retry-after": "1" },
    });
  }
  return job;
}

export const createScrapeJob = new OpenAPIHono<AppEnv>().openapi(createScrapeJobRoute, async (c) => {
  const { id } = c.req.valid("param");
  // One statement: the live job if there is one, else a new one. The partial unique index
  // (one live job per company) settles two concurrent requests.
  const {
    results: [company, result],
  } = await c.var.scoped.batch((db) => [
    db.execute<{ website: string | null }>(sql`select website from companies where id = ${id} and deleted_at is null`),
    db.execute<Outcome>(sql`with company as (
        select id, website from companies where id = ${id} and deleted_at is null and website is not null
      ), inserted as (
        insert into scrape_jobs (company_id, url, requested_by)
        select c.id, case when c.website ~ '^https?://' then c.website else 'https://' || c.website end, app.user_id()
          from company c
        on conflict (tenant_id, company_id) where status in ('queued', 'running') do nothing
        returning ${SCRAPE_JOB_COLUMNS}, true as created
      )
      -- A created job counts against the scrape_jobs quota in this statement (over it: DT402, nothing
      -- is inserted); the live job returned instead counts nothing.
      select * from inserted where app.meter('scrape_jobs', 1) > 0
      union all
      select * from (${liveJobOf(id)}) live where not exists (select 1 from inserted)`),
  ]);
  const [found] = company.rows;
  if (!found) throw new ApiError("not_found", "No company with that id in this tenant.");
  if (!found.website) {
    throw new ApiError("unprocessable", "The company has no website to scrape: set `website` first.", {
      errors: [{ field: "website", message: "required for a scrape" }],
    });
  }
  const job = result.rows[0] ?? (await liveJob(c, id));
  if (job.created) await enqueueScrapeJob(c, job.id);
  c.header("Location", `/v1/scrape-jobs/${job.id}`);
  return job.created ? c.json(scrapeJobBody(job), 202) : c.json(scrapeJobBody(job), 200);
});
