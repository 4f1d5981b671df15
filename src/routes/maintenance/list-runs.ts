import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { getTableColumns, sql } from "drizzle-orm";
import type { AppEnv } from "../../app-env";
import { MAINTENANCE_JOBS, maintenanceRuns } from "../../db/schema/maintenance-runs";
import { omitColumns, type RowOf, selectList } from "../../db/selection";
import { decodeCursor, page, pageQuerySchema, pageSchema } from "../../http/pagination";
import { isoTimestamp, timestampSchema } from "../../http/timestamps";
import { V1_PROBLEMS, v1Access } from "../v1-route";

const runSchema = z
  .object({
    id: z.uuid(),
    job: z.enum(MAINTENANCE_JOBS),
    started_at: timestampSchema,
    finished_at: timestampSchema.nullable(),
    completed: z.boolean().openapi({ description: "False: out of time (the next run carries on), skipped or failed" }),
    error: z.string().max(1000).nullable(),
    rows: z
      .record(z.string().max(100), z.number().int().min(0).max(2_147_483_647))
      .openapi({ description: "This tenant's rows purged or changed, per data class", example: { audit_log: 120 } }),
  })
  .openapi("MaintenanceRun");

export const listRunsRoute = createRoute({
  method: "get",
  path: "/v1/maintenance/runs",
  operationId: "listMaintenanceRuns",
  tags: ["Privacy"],
  summary: "Receipts of retention purges and maintenance runs",
  description: "Newest first, with this tenant's own figures only.",
  ...v1Access({ role: "admin", scope: "privacy:read" }),
  request: { query: pageQuerySchema.extend({ job: z.enum(MAINTENANCE_JOBS).optional() }) },
  responses: {
    ...V1_PROBLEMS,
    200: { description: "A page of runs", content: { "application/json": { schema: pageSchema(runSchema) } } },
  },
});

/** A run's columns the receipt shows (not its statement counts). */
const runColumns = omitColumns(getTableColumns(maintenanceRuns), "statements", "longestStatementMs");

type RunRow = RowOf<typeof runColumns> & { rows: Record<string, number> };

export const listRuns = new OpenAPIHono<AppEnv>().openapi(listRunsRoute, async (c) => {
  const query = c.req.valid("query");
  const before = decodeCursor(query.cursor, 2);
  const {
    results: [result],
  } = await c.var.scoped.batch((db) => [
    // Row-level security keeps the counts to this tenant's; the runs themselves hold no tenant data.
    db.execute<RunRow>(sql`select ${selectList(runColumns, "r")},
        coalesce((select jsonb_object_agg(k.data_class, k.rows) from maintenance_run_counts k where k.run_id = r.id),
                 '{}') as rows
      from maintenance_runs r
      where (${query.job ?? null}::text is null or r.job = ${query.job ?? null})
        ${before ? sql`and (r.started_at, r.id) < (${before[0]}::timestamptz, ${before[1]}::uuid)` : sql``}
      order by r.started_at desc, r.id desc limit ${query.limit + 1}`),
  ]);
  const listed = page(result.rows, query.limit, (row) => [row.started_at, row.id]);
  return c.json(
    {
      items: listed.items.map((row) => ({
        ...row,
        started_at: isoTimestamp(row.started_at),
        finished_at: isoTimestamp(row.finished_at),
      })),
      next_cursor: listed.next_cursor,
    },
    200,
  );
});
