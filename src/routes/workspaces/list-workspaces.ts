import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import { asc, sql } from "drizzle-orm";
import type { AppEnv } from "../../app-env";
import { workspaces } from "../../db/schema/workspaces";
import { decodeCursor, page, pageQuerySchema, pageSchema } from "../../http/pagination";
import { V1_PROBLEMS, v1Access } from "../v1-route";
import { workspaceBody, workspaceSchema } from "./schemas";

export const listWorkspacesRoute = createRoute({
  method: "get",
  path: "/v1/workspaces",
  operationId: "listWorkspaces",
  tags: ["Workspaces"],
  summary: "List workspaces",
  description: "Oldest first. A member with `workspace_scope: assigned` sees only their own workspaces.",
  ...v1Access({ role: "viewer", scope: "workspaces:read" }),
  request: { query: pageQuerySchema },
  responses: {
    ...V1_PROBLEMS,
    200: {
      description: "A page of workspaces",
      content: { "application/json": { schema: pageSchema(workspaceSchema) } },
    },
  },
});

export const listWorkspaces = new OpenAPIHono<AppEnv>().openapi(listWorkspacesRoute, async (c) => {
  const { limit, cursor } = c.req.valid("query");
  const after = decodeCursor(cursor, 2);
  const {
    results: [rows],
  } = await c.var.scoped.batch((db) => [
    db
      .select()
      .from(workspaces)
      .where(
        after
          ? sql`(${workspaces.createdAt}, ${workspaces.id}) > (${after[0]}::timestamptz, ${after[1]}::uuid)`
          : undefined,
      )
      .orderBy(asc(workspaces.createdAt), asc(workspaces.id))
      .limit(limit + 1),
  ]);
  const result = page(rows, limit, (row) => [row.createdAt, row.id]);
  return c.json({ items: result.items.map(workspaceBody), next_cursor: result.next_cursor }, 200);
});
