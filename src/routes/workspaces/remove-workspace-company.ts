import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import { sql } from "drizzle-orm";
import type { AppEnv } from "../../app-env";
import { V1_PROBLEMS, v1Access } from "../v1-route";
import { COMPANY_NOT_FOUND, changeAssignment, companyTarget } from "./assignments";
import { workspaceCompanyParamSchema } from "./schemas";

export const removeWorkspaceCompanyRoute = createRoute({
  method: "delete",
  path: "/v1/workspaces/{id}/companies/{companyId}",
  operationId: "removeWorkspaceCompany",
  tags: ["Workspaces"],
  summary: "Take a company out of a workspace",
  description: "Idempotent; the company stays in the tenant and in its other workspaces.",
  ...v1Access({ role: "admin", scope: "workspaces:write" }),
  request: { params: workspaceCompanyParamSchema },
  responses: { ...V1_PROBLEMS, 204: { description: "Removed" } },
});

export const removeWorkspaceCompany = new OpenAPIHono<AppEnv>().openapi(removeWorkspaceCompanyRoute, async (c) => {
  const { id, companyId } = c.req.valid("param");
  await changeAssignment(
    c.var.scoped,
    companyTarget(id, companyId),
    sql`delete from workspace_companies wc using target t
         where wc.workspace_id = t.workspace_id and wc.company_id = t.company_id returning 1`,
    COMPANY_NOT_FOUND,
  );
  return c.body(null, 204);
});
