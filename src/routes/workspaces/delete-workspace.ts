import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import { eq } from "drizzle-orm";
import type { AppEnv } from "../../app-env";
import { workspaces } from "../../db/schema/workspaces";
import { ApiError } from "../../errors/api-error";
import { V1_PROBLEMS, v1Access } from "../v1-route";
import { workspaceIdParamSchema } from "./schemas";

export const deleteWorkspaceRoute = createRoute({
  method: "delete",
  path: "/v1/workspaces/{id}",
  operationId: "deleteWorkspace",
  tags: ["Workspaces"],
  summary: "Delete a workspace",
  description:
    "Its assignments go with it; its companies stay in the tenant (and in their other workspaces). Members confined to it alone then see no company.",
  ...v1Access({ role: "admin", scope: "workspaces:write" }),
  request: { params: workspaceIdParamSchema },
  responses: { ...V1_PROBLEMS, 204: { description: "Deleted" } },
});

export const deleteWorkspace = new OpenAPIHono<AppEnv>().openapi(deleteWorkspaceRoute, async (c) => {
  const { id } = c.req.valid("param");
  const {
    results: [rows],
  } = await c.var.scoped.batch((db) => [
    db.delete(workspaces).where(eq(workspaces.id, id)).returning({ id: workspaces.id }),
  ]);
  if (rows.length === 0) throw new ApiError("not_found", "No workspace with that id in this tenant.");
  return c.body(null, 204);
});
