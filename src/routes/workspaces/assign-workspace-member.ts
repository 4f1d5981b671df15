import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import { sql } from "drizzle-orm";
import type { AppEnv } from "../../app-env";
import { V1_PROBLEMS, v1Access } from "../v1-route";
import { changeAssignment, MEMBER_NOT_FOUND, memberTarget } from "./assignments";
import { workspaceMemberParamSchema } from "./schemas";

export const assignWorkspaceMemberRoute = createRoute({
  method: "put",
  path: "/v1/workspaces/{id}/members/{userId}",
  operationId: "assignWorkspaceMember",
  tags: ["Workspaces"],
  summary: "Assign a member to a workspace",
  description:
    "Idempotent. Confines nobody by itself: a member with `workspace_scope: assigned` (PATCH /v1/members/{userId}) sees only the companies of the workspaces they are assigned to.",
  ...v1Access({ role: "admin", scope: "workspaces:write" }),
  request: { params: workspaceMemberParamSchema },
  responses: { ...V1_PROBLEMS, 204: { description: "Assigned" } },
});

export const assignWorkspaceMember = new OpenAPIHono<AppEnv>().openapi(assignWorkspaceMemberRoute, async (c) => {
  const { id, userId } = c.req.valid("param");
  await changeAssignment(
    c.var.scoped,
    memberTarget(id, userId),
    sql`insert into workspace_members (workspace_id, user_id) select workspace_id, user_id from target
        on conflict do nothing returning 1`,
    MEMBER_NOT_FOUND,
  );
  return c.body(null, 204);
});
