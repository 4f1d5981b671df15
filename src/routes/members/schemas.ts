import { z } from "@hono/zod-openapi";
import { ROLES, type Role, WORKSPACE_SCOPES, type WorkspaceScope } from "../../db/schema/memberships";
import { isoTimestamp, timestampSchema } from "../../http/timestamps";

export const memberSchema = z
  .object({
    user_id: z.uuid(),
    email: z.string().max(320).nullable(),
    name: z.string().max(200).nullable(),
    role: z.enum(ROLES),
    workspace_scope: z.enum(WORKSPACE_SCOPES).openapi({
      description:
        "`assigned`: sees and changes only the companies of their workspaces (and their contacts, jobs, pages, signals). Always `all` for owners and admins.",
    }),
    joined_at: timestampSchema,
  })
  .openapi("Member");

export type MemberBody = z.infer<typeof memberSchema>;

export const userIdParamSchema = z.object({
  userId: z.uuid().openapi({ param: { name: "userId", in: "path" } }),
});

export function memberBody(row: {
  userId: string;
  email: string | null;
  name: string | null;
  role: Role;
  workspaceScope: WorkspaceScope;
  createdAt: string;
}): MemberBody {
  return {
    user_id: row.userId,
    email: row.email,
    name: row.name,
    role: row.role,
    // What is in force: owners and admins see the whole tenant whatever is stored (app.workspace_ids()).
    workspace_scope: row.role === "owner" || row.role === "admin" ? "all" : row.workspaceScope,
    joined_at: isoTimestamp(row.createdAt),
  };
}
