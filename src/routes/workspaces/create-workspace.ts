import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../../app-env";
import { workspaces } from "../../db/schema/workspaces";
import { problemResponses } from "../../errors/problem";
import { responseHeaders } from "../../openapi/headers";
import { V1_PROBLEMS, v1Access } from "../v1-route";
import { workspaceBody, workspaceBodySchema, workspaceSchema } from "./schemas";

export const createWorkspaceRoute = createRoute({
  method: "post",
  path: "/v1/workspaces",
  operationId: "createWorkspace",
  tags: ["Workspaces"],
  summary: "Create a workspace",
  description: "A territory of the tenant's book. Names are unique per tenant, in any letter case (409).",
  ...v1Access({ role: "admin", scope: "workspaces:write" }),
  request: { body: { required: true, content: { "application/json": { schema: workspaceBodySchema } } } },
  responses: {
    ...V1_PROBLEMS,
    201: {
      description: "Created",
      headers: responseHeaders("Location"),
      content: { "application/json": { schema: workspaceSchema } },
    },
    ...problemResponses(409),
  },
});

export const createWorkspace = new OpenAPIHono<AppEnv>().openapi(createWorkspaceRoute, async (c) => {
  const { name } = c.req.valid("json");
  const {
    results: [rows],
  } = await c.var.scoped.batch((db) => [db.insert(workspaces).values({ name }).returning()]);
  const [created] = rows;
  if (!created) throw new Error("insert returned no row");
  c.header("Location", `/v1/workspaces/${created.id}`);
  return c.json(workspaceBody(created), 201);
});
