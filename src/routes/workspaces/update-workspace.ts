import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import { eq } from "drizzle-orm";
import type { AppEnv } from "../../app-env";
import { workspaces } from "../../db/schema/workspaces";
import { ApiError } from "../../errors/api-error";
import { problemResponses } from "../../errors/problem";
import { V1_PROBLEMS, v1Access } from "../v1-route";
import { workspaceBody, workspaceBodySchema, workspaceIdParamSchema, workspaceSchema } from "./schemas";

export const updateWorkspaceRoute = createRoute({
  method: "patch",
  path: "/v1/workspaces/{id}",
  operationId: "updateWorkspace",
  tags: ["Workspaces"],
  summary: "Rename a workspace",
  description: "Names are unique per tenant, in any letter case (409).",
  ...v1Access({ role: "admin", scope: "workspaces:write" }),
  request: {
    params: workspaceIdParamSchema,
    body: { required: true, content: { "application/json": { schema: workspaceBodySchema } } },
  },
  responses: {
    ...V1_PROBLEMS,
    200: { description: "Renamed", content: { "application/json": { schema: workspaceSchema } } },
    ...problemResponses(409),
  },
});

export const updateWorkspace = new OpenAPIHono<AppEnv>().openapi(updateWorkspaceRoute, async (c) => {
  const { id } = c.req.valid("param");
  const { name } = c.req.valid("json");
  const {
    results: [rows],
  } = await c.var.scoped.batch((db) => [db.update(workspaces).set({ name }).where(eq(workspaces.id, id)).returning()]);
  const [updated] = rows;
  if (!updated) throw new ApiError("not_found", "No workspace with that id in this tenant.");
  return c.json(workspaceBody(updated), 200);
});
