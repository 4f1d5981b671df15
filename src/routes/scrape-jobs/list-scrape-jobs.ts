import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { type SQL, sql } from "drizzle-orm";
import type { AppEnv } from "../../app-env";
import { SCRAPE_JOB_STATUSES } from "../../db/schema/scrape-jobs";
import { decodeCursor, page, pageQuerySchema, pageSchema } from "../../http/pagination";
import { V1_PROBLEMS, v1Access } from "../v1-route";
import { inWorkspace } from "../workspaces/filter";
import { SCRAPE_JOB_COLUMNS, type ScrapeJobRow, scrapeJobBody, scrapeJobSchema } from "./schemas";

export const listScrapeJobsRoute = createRoute({
  method: "get",
  path: "/v1/scrape-jobs",
  operationId: "listScrapeJobs",
  tags: ["Scrape jobs"],
  summary: "Scrape jobs, newest first",
  description: "Filter by `status`, `company_id` or `workspace_id`; cursor-paginated.",
  ...v1Access({ role: "viewer", scope: "companies:read" }, { module: "web_scrape" }),
  request: {
    query: pageQuerySchema.extend({
      status: z.enum(SCRAPE_JOB_STATUSES).optional(),
      company_id: z.uuid().optional(),
      workspace_id: z.uuid().optional().openapi({ description: "Only jobs of this workspace's companies" }),
    }),
  },
  responses: {
    ...V1_PROBLEMS,
    200: { description: "A page of jobs", content: { "application/json": { schema: pageSchema(scrapeJobSchema) } } },
  },
});

type ListedJob = ScrapeJobRow & { created_order: string };

export const listScrapeJobs = new OpenAPIHono<AppEnv>().openapi(listScrapeJobsRoute, async (c) => {
  const query = c.req.valid("query");
  const before = decodeCursor(query.cursor, 2);
  const filters: SQL[] = [sql`true`];
  if (query.status) filters.push(sql`status = ${query.status}`);
  if (query.company_id) filters.push(sql`company_id = ${query.company_id}`);
  if (query.workspace_id) filters.push(inWorkspace(sql`company_id`, query.workspace_id));
  if (before) filters.push(sql`(created_at, id) < (${before[0]}::timestamptz, ${before[1]}::uuid)`);
  const {
    results: [result],
  } = await c.var.scoped.batch((db) => [
    db.execute<ListedJob>(sql`select ${SCRAPE_JOB_COLUMNS}, created_at::text as created_order
      from scrape_jobs where ${sql.join(filters, sql` and `)}
      order by created_at desc, id desc limit ${query.limit + 1}`),
  ]);
  const listed = page(result.rows, query.limit, (row) => [row.created_order, row.id]);
  return c.json({ items: listed.items.map(scrapeJobBody), next_cursor: listed.next_cursor }, 200);
});
