import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import { asc, eq, sql } from "drizzle-orm";
import type { AppEnv } from "../../app-env";
import { memberships } from "../../db/schema/memberships";
import { users } from "../../db/schema/users";
import { decodeCursor, page, pageQuerySchema, pageSchema } from "../../http/pagination";
import { V1_PROBLEMS, v1Access } from "../v1-route";
import { memberBody, memberSchema } from "./schemas";

export const listMembersRoute = createRoute({
  method: "get",
  path: "/v1/members",
  operationId: "listMembers",
  tags: ["Members"],
  summary: "List the tenant's members",
  description: "Oldest first, cursor-paginated.",
  ...v1Access({ role: "viewer", scope: "members:read" }),
  request: { query: pageQuerySchema },
  responses: {
    ...V1_PROBLEMS,
    200: {
      description: "A page of members, oldest first",
      content: { "application/json": { schema: pageSchema(memberSchema) } },
    },
  },
});

export const listMembers = new OpenAPIHono<AppEnv>().openapi(listMembersRoute, async (c) => {
  const { limit, cursor } = c.req.valid("query");
  const after = decodeCursor(cursor, 2);
  const {
    results: [rows],
  } = await c.var.scoped.batch((db) => [
    db
      .select({
        userId: memberships.userId,
        email: users.email,
        name: users.name,
        role: memberships.role,
        workspaceScope: memberships.workspaceScope,
        createdAt: memberships.createdAt,
      })
      .from(memberships)
      .innerJoin(users, eq(users.id, memberships.userId))
      .where(
        after
          ? sql`(${memberships.createdAt}, ${memberships.userId}) > (${after[0]}::timestamptz, ${after[1]}::uuid)`
          : undefined,
      )
      .orderBy(asc(memberships.createdAt), asc(memberships.userId))
      .limit(limit + 1),
  ]);
  const result = page(rows, limit, (row) => [row.createdAt, row.userId]);
  return c.json({ items: result.items.map(memberBody), next_cursor: result.next_cursor }, 200);
});
