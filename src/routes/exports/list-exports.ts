import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { type SQL, sql } from "drizzle-orm";
import type { AppEnv } from "../../app-env";
import { EXPORT_STATUSES } from "../../db/schema/exports";
import { decodeCursor, page, pageQuerySchema, pageSchema } from "../../http/pagination";
import { V1_PROBLEMS, v1Access } from "../v1-route";
import { downloadLinkOf } from "./link";
import { EXPORT_COLUMNS, type ExportRow, exportBody, exportSchema } from "./schemas";

export const listExportsRoute = createRoute({
  method: "get",
  path: "/v1/exports",
  operationId: "listExports",
  tags: ["Exports"],
  summary: "Exports, newest first",
  description: "Filter by `status`; cursor-paginated. Finished exports carry a fresh download link.",
  ...v1Access({ role: "viewer", scope: "exports:read" }, { module: "exports" }),
  request: { query: pageQuerySchema.extend({ status: z.enum(EXPORT_STATUSES).optional() }) },
  responses: {
    ...V1_PROBLEMS,
    200: { description: "A page of exports", content: { "application/json": { schema: pageSchema(exportSchema) } } },
  },
});

type ListedExport = ExportRow & { created_order: string };

export const listExports = new OpenAPIHono<AppEnv>().openapi(listExportsRoute, async (c) => {
  const query = c.req.valid("query");
  const before = decodeCursor(query.cursor, 2);
  const filters: SQL[] = [sql`true`];
  if (query.status) filters.push(sql`status = ${query.status}`);
  if (before) filters.push(sql`(created_at, id) < (${before[0]}::timestamptz, ${before[1]}::uuid)`);
  const {
    results: [result],
  } = await c.var.scoped.batch((db) => [
    db.execute<ListedExport>(sql`select ${EXPORT_COLUMNS}, created_at::text as created_order
      from export_jobs where ${sql.join(filters, sql` and `)}
      order by created_at desc, id desc limit ${query.limit + 1}`),
  ]);
  const listed = page(result.rows, query.limit, (row) => [row.created_order, row.id]);
  const items = await Promise.all(listed.items.map(async (row) => exportBody(row, await downloadLinkOf(c, row))));
  return c.json({ items, next_cursor: listed.next_cursor }, 200);
});
