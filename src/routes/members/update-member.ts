import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { sql } from "drizzle-orm";
import type { AppEnv } from "../../app-env";
import { memberships, ROLES, WORKSPACE_SCOPES } from "../../db/schema/memberships";
import { users } from "../../db/schema/users";
import { ApiError } from "../../errors/api-error";
import { problemResponses } from "../../errors/problem";
import { V1_PROBLEMS, v1Access } from "../v1-route";
import { memberBody, memberSchema, userIdParamSchema } from "./schemas";

export const updateMemberBodySchema = z
  .object({ role: z.enum(ROLES).optional(), workspace_scope: z.enum(WORKSPACE_SCOPES).optional() })
  .strict()
  .refine((body) => body.role !== undefined || body.workspace_scope !== undefined, "give role, workspace_scope or both")
  .openapi("UpdateMember");

export const updateMemberRoute = createRoute({
  method: "patch",
  path: "/v1/members/{userId}",
  operationId: "updateMemberRole",
  tags: ["Members"],
  summary: "Change a member's role or workspace scope",
  description:
    "Only an owner can grant or take away the owner role; the last owner cannot be demoted. `workspace_scope: assigned` confines an editor or viewer to their workspaces from their next request on (owners and admins always see everything).",
  ...v1Access({ role: "admin", scope: "members:write" }),
  request: {
    params: userIdParamSchema,
    body: { required: true, content: { "application/json": { schema: updateMemberBodySchema } } },
  },
  responses: {
    ...V1_PROBLEMS,
    200: { description: "Updated", content: { "application/json": { schema: memberSchema } } },
    ...problemResponses(409),
  },
});

export const updateMember = new OpenAPIHono<AppEnv>().openapi(updateMemberRoute, async (c) => {
  const { userId } = c.req.valid("param");
  const { role, workspace_scope: workspaceScope } = c.req.valid("json");
  const {
    results: [rows],
  } = await c.var.scoped.batch((db) => [
    db
      .update(memberships)
      .set({ ...(role ? { role } : {}), ...(workspaceScope ? { workspaceScope } : {}) })
      .from(users)
      .where(sql`${memberships.userId} = ${userId} and ${users.id} = ${memberships.userId}`)
      .returning({
        userId: memberships.userId,
        email: users.email,
        name: users.name,
        role: memberships.role,
        workspaceScope: memberships.workspaceScope,
        createdAt: memberships.createdAt,
      }),
  ]);
  const [member] = rows;
  if (!member) throw new ApiError("not_found", "No member with that user id in this tenant.");
  return c.json(memberBody(member), 200);
});
