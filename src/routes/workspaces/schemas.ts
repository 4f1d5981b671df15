import { z } from "@hono/zod-openapi";
import type { workspaces } from "../../db/schema/workspaces";
import { isoTimestamp, timestampSchema } from "../../http/timestamps";

export const workspaceSchema = z
  .object({
    id: z.uuid(),
    name: z.string().max(100),
    created_at: timestampSchema,
    updated_at: timestampSchema,
  })
  .openapi("Workspace");

export const workspaceBodySchema = z
  .object({ name: z.string().trim().min(1).max(100) })
  .strict()
  .openapi("WorkspaceInput");

export const workspaceIdParamSchema = z.object({ id: z.uuid().openapi({ param: { name: "id", in: "path" } }) });

export const workspaceMemberParamSchema = workspaceIdParamSchema.extend({
  userId: z.uuid().openapi({ param: { name: "userId", in: "path" } }),
});

export const workspaceCompanyParamSchema = workspaceIdParamSchema.extend({
  companyId: z.uuid().openapi({ param: { name: "companyId", in: "path" } }),
});

export function workspaceBody(row: typeof workspaces.$inferSelect): z.infer<typeof workspaceSchema> {
  return {
    id: row.id,
    name: row.name,
    created_at: isoTimestamp(row.createdAt),
    updated_at: isoTimestamp(row.updatedAt),
  };
}
