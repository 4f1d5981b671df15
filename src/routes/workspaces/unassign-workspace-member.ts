import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import { sql } from "drizzle-orm";
import type { AppEnv } from "../../app-env";
import { V1_PROBLEMS, v1Access } from "../v1-route";
import { changeAssignment, MEMBER_NOT_FOUND, memberTarget } from "./assignments";
import { workspaceMemberParamSchema } from "./schemas";

export const unassignWorkspaceMemberRoute = createRoute({
  method: "delete",
  path: "/v1/workspaces/{id}/members/{userId}",
  operationId: "unassignWorkspaceMember",
  tags: ["Workspaces"],
  summary: "Take a member off a workspace",
  description: "Idempotent; effective on the member's next request.",
  ...v1Access({ role: "admin", scope: "workspaces:write" }),
  request: { params: workspaceMemberParamSchema },
  responses: { ...V1_PROBLEMS, 204: { description: "Unassigned" } },
});

export const unassignWorkspaceMember = new OpenAPIHono<AppEnv>().openapi(unassignWorkspaceMemberRoute, async (c) => {
  const { id, userId } = c.req.valid("param");
  await changeAssignment(
    c.var.scoped,
    memberTarget(id, userId),
    sql`delete from workspace_members wm using target t
         where wm.workspace_id = t.workspace_id and wm.user_id = t.user_id returning 1`,
    MEMBER_NOT_FOUND,
  );
  return c.body(null, 204);
});
