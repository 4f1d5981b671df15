import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import { sql } from "drizzle-orm";
import type { AppEnv } from "../../app-env";
import { ApiError } from "../../errors/api-error";
import {
  OPERATOR_PROBLEMS,
  type OperatorTenantRow,
  operatorAccess,
  operatorTenantBody,
  operatorTenantSchema,
  tenantIdParams,
} from "./schemas";

export const getTenantRoute = createRoute({
  method: "get",
  path: "/internal/tenants/{tenantId}",
  operationId: "getPlatformTenant",
  summary: "One tenant, as operators see it",
  description: "Including deleted and suspended tenants. Recorded in the platform audit log as a read of the tenant.",
  ...operatorAccess({ readOnly: false }),
  request: { params: tenantIdParams },
  responses: {
    ...OPERATOR_PROBLEMS,
    200: { description: "The tenant", content: { "application/json": { schema: operatorTenantSchema } } },
  },
});

export const getTenant = new OpenAPIHono<AppEnv>().openapi(getTenantRoute, async (c) => {
  const { tenantId } = c.req.valid("param");
  const {
    results: [result],
  } = await c.var.operator.batch((db) => [
    db.execute<{ tenant: OperatorTenantRow | null }>(sql`select app.operator_get_tenant(${tenantId}::uuid) as tenant`),
  ]);
  const tenant = result.rows[0]?.tenant;
  if (!tenant) throw new ApiError("not_found", "No such tenant.");
  return c.json(operatorTenantBody(tenant), 200);
});
