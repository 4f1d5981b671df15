import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import { sql } from "drizzle-orm";
import type { AppEnv } from "../../app-env";
import { page, pageSchema } from "../../http/pagination";
import { V1_PROBLEMS, v1Access } from "../v1-route";
import { type ChangeRow, changeBody, changeSchema, changesQuerySchema, changesStatement } from "./schemas";

export const listChangesRoute = createRoute({
  method: "get",
  path: "/v1/changes",
  operationId: "listChanges",
  tags: ["Changes"],
  summary: "What changed at the tenant's companies",
  description:
    "Differences found between two Companies House fetches of the tenant's companies (an import, a refresh, or the " +
    "scheduled refresh of tracked companies): officers appointed or resigned, PSCs added or ceased, status, " +
    "accounts filed, registered office, SIC codes, insolvency. Newest first, cursor-paginated; filter by `type` " +
    "and `since`.",
  ...v1Access({ role: "viewer", scope: "companies:read" }),
  request: { query: changesQuerySchema },
  responses: {
    ...V1_PROBLEMS,
    200: {
      description: "A page of changes, newest first",
      content: { "application/json": { schema: pageSchema(changeSchema) } },
    },
  },
});

export const listChanges = new OpenAPIHono<AppEnv>().openapi(listChangesRoute, async (c) => {
  const query = c.req.valid("query");
  const {
    results: [result],
  } = await c.var.scoped.batch((db) => [db.execute<ChangeRow>(changesStatement(sql`true`, query))]);
  const listed = page(result.rows, query.limit, (row) => [row.detected_at, row.id]);
  return c.json({ items: listed.items.map(changeBody), next_cursor: listed.next_cursor }, 200);
});
