import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import { eq } from "drizzle-orm";
import type { AppEnv } from "../../app-env";
import { memberships } from "../../db/schema/memberships";
import { ApiError } from "../../errors/api-error";
import { problemResponses } from "../../errors/problem";
import { V1_PROBLEMS, v1Access } from "../v1-route";
import { userIdParamSchema } from "./schemas";

export const removeMemberRoute = createRoute({
  method: "delete",
  path: "/v1/members/{userId}",
  operationId: "removeMember",
  tags: ["Members"],
  summary: "Remove a member",
  description: "Takes effect on the member's very next request. The last owner cannot be removed.",
  ...v1Access({ role: "admin", scope: "members:write" }),
  request: { params: userIdParamSchema },
  responses: {
    ...V1_PROBLEMS,
    204: { description: "Removed" },
    ...problemResponses(409),
  },
});

export const removeMember = new OpenAPIHono<AppEnv>().openapi(removeMemberRoute, async (c) => {
  const { userId } = c.req.valid("param");
  const {
    results: [rows],
  } = await c.var.scoped.batch((db) => [
    db.delete(memberships).where(eq(memberships.userId, userId)).returning({ userId: memberships.userId }),
  ]);
  if (rows.length === 0) throw new ApiError("not_found", "No member with that user id in this tenant.");
  return c.body(null, 204);
});
