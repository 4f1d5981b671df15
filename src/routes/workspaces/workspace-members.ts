import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import { sql } from "drizzle-orm";
import type { AppEnv } from "../../app-env";
import { V1_PROBLEMS, v1Access } from "../v1-route";
import { changeAssignment } from "./assignments";
import { workspaceMemberParamSchema } from "./schemas";

const NOT_FOUND = "No workspace with that id, or no member with that user id, in this tenant.";

const target = (id: string, userId: string) =>
  sql`select w.id as workspace_id, m.user_id from workspaces w
        join memberships m on m.tenant_id = w.tenant_id
       where w.id = ${id} and m.user_id = ${userId}`;

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
    target(id, userId),
    sql`insert into workspace_members (workspace_id, user_id) select workspace_id, user_id from target
        on conflict do nothing returning 1`,
    NOT_FOUND,
  );
  return c.body(null, 204);
});

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
    target(id, userId),
    sql`delete from workspace_members wm using target t
         where wm.workspace_id = t.workspace_id and wm.user_id = t.user_id returning 1`,
    NOT_FOUND,
  );
  return c.body(null, 204);
});
