import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import { sql } from "drizzle-orm";
import type { Context } from "hono";
import type { AppEnv } from "../../app-env";
import { textArray } from "../../db/sql-arrays";
import { ApiError } from "../../errors/api-error";
import { problemResponses } from "../../errors/problem";
import {
  IDEMPOTENCY_KEY_TTL_HOURS,
  Idempotency,
  idempotencyHeaderSchema,
  type StoredResponse,
} from "../../http/idempotency";
import { responseHeaders } from "../../openapi/headers";
import { companyFilters } from "../companies/filters";
import { V1_PROBLEMS, v1Access } from "../v1-route";
import {
  type CreateExportBody,
  createExportBodySchema,
  EXPORT_COLUMNS,
  EXPORT_MAX_ROWS,
  type ExportBody,
  type ExportRow,
  exportBody,
  exportSchema,
} from "./schemas";

export const createExportRoute = createRoute({
  method: "post",
  path: "/v1/exports",
  operationId: "createExport",
  tags: ["Exports"],
  summary: "Export companies to a file",
  description:
    "Takes the company list's filters (the query parameters of GET /v1/companies, same names and meanings, as a " +
    `JSON body) and queues a job that writes the matching companies (at most ${EXPORT_MAX_ROWS}, newest first) ` +
    "to a CSV or NDJSON file. The companies are chosen, and counted against the `exported_rows` quota, by this " +
    "request: over the quota it is a 402 and nothing is created. Poll GET /v1/exports/{id} for the download link. " +
    `Send an Idempotency-Key to retry safely (kept ${IDEMPOTENCY_KEY_TTL_HOURS} h): a retry is not counted again.`,
  ...v1Access({ role: "editor", scope: "exports:write" }, { cost: 5, module: "exports" }),
  request: {
    headers: idempotencyHeaderSchema,
    body: { required: true, content: { "application/json": { schema: createExportBodySchema } } },
  },
  responses: {
    ...V1_PROBLEMS,
    202: {
      description: "Queued",
      headers: responseHeaders("Location"),
      content: { "application/json": { schema: exportSchema } },
    },
    ...problemResponses(402, 409, 422),
  },
});

/** The filters as the job records them: only those given. */
function recordedFilters(input: CreateExportBody): Record<string, unknown> {
  const { format: _format, include: _include, ...filters } = input;
  return Object.fromEntries(Object.entries(filters).filter(([, value]) => value !== undefined));
}

/**
 * Sends the job's id to the export queue after its transaction committed. A failed send loses
 * nothing: the job is durable and the maintenance cron re-sends exports left queued.
 */
async function enqueueExport(c: Context<AppEnv>, exportId: string): Promise<void> {
  try {
    await c.env.EXPORT_QUEUE.send({ exportId });
  } catch (error) {
    c.var.logger.error("export not sent to the queue; the maintenance cron will", {
      export_id: exportId,
      error: error instanceof Error ? error.message : String(error),
    });
  }
}

export const createExport = new OpenAPIHono<AppEnv>().openapi(createExportRoute, async (c) => {
  const input = c.req.valid("json");
  if (!c.var.config.EXPORT_SIGNING_SECRET) {
    throw new ApiError("unavailable", "Exports are not configured on this service (EXPORT_SIGNING_SECRET).");
  }
  const idempotency = await Idempotency.of(c, c.req.valid("header")["idempotency-key"], input);
  const id = crypto.randomUUID();
  const accepted = (body: ExportBody) => {
    c.header("Location", `/v1/exports/${id}`);
    return c.json(body, 202);
  };
  const filters = companyFilters(input);
  const recorded = recordedFilters(input);

  return idempotency.run(
    c,
    async () => {
      const [, , , created] = await idempotency.batch(
        c,
        (db) => [
          // The companies are chosen here, under the caller's row-level security (workspaces
          // included), in the list's default order; the job writes exactly these.
          db.execute(sql`with matched as (
              select c.id, row_number() over (order by c.created_at desc, c.id desc) as position
                from (select id, created_at from companies where ${sql.join(filters, sql` and `)}
                       order by created_at desc, id desc limit ${EXPORT_MAX_ROWS + 1}) c
            ), job as (
              insert into export_jobs (id, format, include, filters, row_count, truncated)
              values (${id}, ${input.format}, ${textArray(input.include)},
                      ${JSON.stringify(recorded)}::jsonb,
                      (select count(*) from matched where position <= ${EXPORT_MAX_ROWS}),
                      exists (select 1 from matched where position > ${EXPORT_MAX_ROWS}))
              returning id
            )
            insert into export_companies (export_id, position, company_id)
            select (select id from job), m.position, m.id from matched m where m.position <= ${EXPORT_MAX_ROWS}`),
          // Counted against the quota in the same transaction: over it (DT402) nothing above stays.
          db.execute(sql`select app.meter('exported_rows', row_count) from export_jobs where id = ${id}`),
          db.execute(sql`insert into audit_log (action, target_type, target_id, metadata)
            select 'export.created', 'export', id::text,
                   jsonb_build_object('format', format, 'include', include, 'filters', filters, 'row_count', row_count)
              from export_jobs where id = ${id}`),
          db.execute<ExportRow>(sql`select ${EXPORT_COLUMNS} from export_jobs where id = ${id}`),
        ],
        {
          status: 202,
          body: sql`select to_jsonb(r) from (select ${EXPORT_COLUMNS} from export_jobs where id = ${id}) r`,
        },
      );
      const [row] = created.rows;
      if (!row) throw new Error("create export: no job");
      await enqueueExport(c, id);
      return accepted(exportBody(row));
    },
    (stored: StoredResponse<ExportRow>) => {
      c.header("Location", `/v1/exports/${stored.body.id}`);
      return c.json(exportBody(stored.body), 202);
    },
  );
});
