import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import { sql } from "drizzle-orm";
import type { AppEnv } from "../../app-env";
import { V1_PROBLEMS, v1Access } from "../v1-route";
import { changeAssignment } from "./assignments";
import { workspaceCompanyParamSchema } from "./schemas";

const NOT_FOUND = "No workspace or no company with that id in this tenant.";

const target = (id: string, companyId: string) =>
  sql`select w.id as workspace_id, co.id as company_id from workspaces w
        join companies co on co.tenant_id = w.tenant_id
       where w.id = ${id} and co.id = ${companyId} and co.deleted_at is null`;

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
    target(id, companyId),
    sql`insert into workspace_companies (workspace_id, company_id) select workspace_id, company_id from target
        on conflict do nothing returning 1`,
    NOT_FOUND,
  );
  return c.body(null, 204);
});

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
    target(id, companyId),
    sql`delete from workspace_companies wc using target t
         where wc.workspace_id = t.workspace_id and wc.company_id = t.company_id returning 1`,
    NOT_FOUND,
  );
  return c.body(null, 204);
});
