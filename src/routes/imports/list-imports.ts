import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import { type SQL, sql } from "drizzle-orm";
import type { AppEnv } from "../../app-env";
import { decodeCursor, page, pageQuerySchema, pageSchema } from "../../http/pagination";
import { V1_PROBLEMS, v1Access } from "../v1-route";
import { IMPORT_COLUMNS, type ImportRow, importBody, importSchema } from "./schemas";

export const listImportsRoute = createRoute({
  method: "get",
  path: "/v1/imports",
  operationId: "listImports",
  tags: ["Imports"],
  summary: "Imports, newest first",
  description: "Cursor-paginated; each import's counts (its rows' errors: GET /v1/imports/{id}).",
  ...v1Access({ role: "viewer", scope: "companies:read" }, { module: "companies_house" }),
  request: { query: pageQuerySchema },
  responses: {
    ...V1_PROBLEMS,
    200: { description: "A page of imports", content: { "application/json": { schema: pageSchema(importSchema) } } },
  },
});

type ListedImport = ImportRow & { created_order: string };

export const listImports = new OpenAPIHono<AppEnv>().openapi(listImportsRoute, async (c) => {
  const query = c.req.valid("query");
  const before = decodeCursor(query.cursor, 2);
  const filter: SQL = before ? sql`(created_at, id) < (${before[0]}::timestamptz, ${before[1]}::uuid)` : sql`true`;
  const {
    results: [result],
  } = await c.var.scoped.batch((db) => [
    db.execute<ListedImport>(sql`select ${IMPORT_COLUMNS}, created_at::text as created_order from imports
      where ${filter} order by created_at desc, id desc limit ${query.limit + 1}`),
  ]);
  const listed = page(result.rows, query.limit, (row) => [row.created_order, row.id]);
  return c.json({ items: listed.items.map(importBody), next_cursor: listed.next_cursor }, 200);
});
