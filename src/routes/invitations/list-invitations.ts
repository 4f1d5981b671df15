import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import { desc, sql } from "drizzle-orm";
import type { AppEnv } from "../../app-env";
import { invitations } from "../../db/schema/invitations";
import { decodeCursor, page, pageQuerySchema, pageSchema } from "../../http/pagination";
import { V1_PROBLEMS, v1Access } from "../v1-route";
import { invitationBody, invitationSchema } from "./schemas";

export const listInvitationsRoute = createRoute({
  method: "get",
  path: "/v1/invitations",
  operationId: "listInvitations",
  tags: ["Invitations"],
  summary: "List the tenant's invitations",
  description:
    "Newest first, with their status (`pending`, `accepted`, `revoked`, `expired`). Tokens are never shown again.",
  ...v1Access({ role: "admin", scope: "members:read" }),
  request: { query: pageQuerySchema },
  responses: {
    ...V1_PROBLEMS,
    200: {
      description: "A page of invitations",
      content: { "application/json": { schema: pageSchema(invitationSchema) } },
    },
  },
});

export const listInvitations = new OpenAPIHono<AppEnv>().openapi(listInvitationsRoute, async (c) => {
  const { limit, cursor } = c.req.valid("query");
  const before = decodeCursor(cursor, 2);
  const {
    results: [rows],
  } = await c.var.scoped.batch((db) => [
    db
      .select()
      .from(invitations)
      .where(
        before
          ? sql`(${invitations.createdAt}, ${invitations.id}) < (${before[0]}::timestamptz, ${before[1]}::uuid)`
          : undefined,
      )
      .orderBy(desc(invitations.createdAt), desc(invitations.id))
      .limit(limit + 1),
  ]);
  const result = page(rows, limit, (row) => [row.createdAt, row.id]);
  return c.json({ items: result.items.map((row) => invitationBody(row)), next_cursor: result.next_cursor }, 200);
});
