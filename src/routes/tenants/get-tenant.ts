import { createRoute, OpenAPIHono } from "@hono/zod-openapi";
import { sql } from "drizzle-orm";
import type { AppEnv } from "../../app-env";
import type { ModuleId } from "../../billing/catalogue";
import { tenants } from "../../db/schema/tenants";
import { V1_PROBLEMS, v1Access } from "../v1-route";
import { currentTenantSchema, tenantBody } from "./schemas";

export const getTenantRoute = createRoute({
  method: "get",
  path: "/v1/tenant",
  operationId: "getTenant",
  tags: ["Tenants"],
  summary: "The current tenant",
  description:
    "The tenant the request acts for (from the token's tenant claim or `X-Tenant-Id`), with the modules it has " +
    "now: those of its plan in force, plus modules an operator enabled for it, minus those an operator disabled.",
  ...v1Access({ role: "viewer", scope: "tenant:read" }),
  responses: {
    ...V1_PROBLEMS,
    200: { description: "The tenant", content: { "application/json": { schema: currentTenantSchema } } },
  },
});

export const getTenant = new OpenAPIHono<AppEnv>().openapi(getTenantRoute, async (c) => {
  const {
    results: [rows, moduleRows],
  } = await c.var.scoped.batch((db) => [
    db.select().from(tenants).where(sql`${tenants.id} = app.tenant_id()`),
    db.execute<{ modules: ModuleId[] }>(sql`select app.current_tenant_modules() as modules`),
  ]);
  const [tenant] = rows;
  // begin_request already proved the tenant exists and the caller belongs to it.
  if (!tenant) throw new Error("tenant vanished within its own transaction");
  return c.json({ ...tenantBody(tenant), modules: moduleRows.rows[0]?.modules ?? [] }, 200);
});
