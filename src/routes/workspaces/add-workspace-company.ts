import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import { sql } from "drizzle-orm";
import type { AppEnv } from "../../app-env";
import { V1_PROBLEMS, v1Access } from "../v1-route";
import { COMPANY_NOT_FOUND, changeAssignment, companyTarget } from "./assignments";
import { workspaceCompanyParamSchema } from "./schemas";

export const addWorkspaceCompanyRoute = createRoute({
  method: "put",
  path: "/v1/workspaces/{id}/companies/{companyId}",
  operationId: "addWorkspaceCompany",
  tags: ["Workspaces"],
  summary: "Put a company in a workspace",
  description: "Idempotent; a company may be in several workspaces.",
  ...v1Access({ role: "admin", scope: "workspaces:write" }),
  request: { params: workspaceCompanyParamSchema },
  responses: { ...V1_PROBLEMS, 204: { description: "Added" } },
});

export const addWorkspaceCompany = new OpenAPIHono<AppEnv>().openapi(addWorkspaceCompanyRoute, async (c) => {
  const { id, companyId } = c.req.valid("param");
  await changeAssignment(
    c.var.scoped,
    companyTarget(id, companyId),
    sql`insert into workspace_companies (workspace_id, company_id) select workspace_id, company_id from target
        on conflict do nothing returning 1`,
    COMPANY_NOT_FOUND,
  );
  return c.body(null, 204);
});
