import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import { sql } from "drizzle-orm";
import type { AppEnv } from "../../app-env";
import { ApiError } from "../../errors/api-error";
import { decodeCursor, page, pageQuerySchema } from "../../http/pagination";
import { V1_PROBLEMS, v1Access } from "../v1-route";
import {
  IMPORT_COLUMNS,
  IMPORT_ERROR_COLUMNS,
  type ImportErrorRow,
  type ImportRow,
  importBody,
  importErrorBody,
  importIdParamSchema,
  importWithErrorsSchema,
} from "./schemas";

export const getImportRoute = createRoute({
  method: "get",
  path: "/v1/imports/{id}",
  operationId: "getImport",
  tags: ["Imports"],
  summary: "An import's progress and its rows' errors",
  description:
    "Counts (total, done = created + existing, failed, pending) and the failed rows by row number, `limit` at a " +
    "time (`cursor` for the next page of errors).",
  ...v1Access({ role: "viewer", scope: "companies:read" }, { module: "companies_house" }),
  request: { params: importIdParamSchema, query: pageQuerySchema },
  responses: {
    ...V1_PROBLEMS,
    200: { description: "The import", content: { "application/json": { schema: importWithErrorsSchema } } },
  },
});

export const getImport = new OpenAPIHono<AppEnv>().openapi(getImportRoute, async (c) => {
  const { id } = c.req.valid("param");
  const query = c.req.valid("query");
  const after = decodeCursor(query.cursor, 1);
  const {
    results: [found, errors],
  } = await c.var.scoped.batch((db) => [
    db.execute<ImportRow>(sql`select ${IMPORT_COLUMNS} from imports where id = ${id}`),
    db.execute<ImportErrorRow>(sql`select ${IMPORT_ERROR_COLUMNS} from import_rows
      where import_id = ${id} and status = 'failed' and row_number > ${after ? Number(after[0]) : 0}
      order by row_number limit ${query.limit + 1}`),
  ]);
  const [row] = found.rows;
  if (!row) throw new ApiError("not_found", "No import with that id in this tenant.");
  const listed = page(errors.rows, query.limit, (error) => [String(error.row_number)]);
  return c.json(
    { ...importBody(row), errors: listed.items.map(importErrorBody), errors_next_cursor: listed.next_cursor },
    200,
  );
});
