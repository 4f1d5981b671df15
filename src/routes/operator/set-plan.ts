import { createRoute, OpenAPIHono, z } from "@hono/zod-openapi";
import { sql } from "drizzle-orm";
import type { AppEnv } from "../../app-env";
import { PLANS } from "../../db/schema/tenants";
import { ApiError } from "../../errors/api-error";
import {
  OPERATOR_PROBLEMS,
  type OperatorTenantRow,
  operatorAccess,
  operatorTenantBody,
  operatorTenantSchema,
  tenantIdParams,
} from "./schemas";

export const setPlanRoute = createRoute({
  method: "put",
  path: "/internal/tenants/{tenantId}/plan",
  operationId: "setTenantPlan",
  summary: "Change a tenant's plan (billing)",
  description:
    "For the billing system and operators, each with an operator key of its own. Written by app.operator_set_plan " +
    "(recorded in the platform audit log) and pushed to the tenant's rate limiter, so the new limits apply from " +
    "the tenant's next request.",
  ...operatorAccess({ readOnly: false }),
  request: {
    params: tenantIdParams,
    body: { required: true, content: { "application/json": { schema: z.object({ plan: z.enum(PLANS) }).strict() } } },
  },
  responses: {
    ...OPERATOR_PROBLEMS,
    200: { description: "Updated", content: { "application/json": { schema: operatorTenantSchema } } },
  },
});

export const setPlan = new OpenAPIHono<AppEnv>().openapi(setPlanRoute, async (c) => {
  const { tenantId } = c.req.valid("param");
  const { plan } = c.req.valid("json");
  const {
    results: [result],
  } = await c.var.operator.batch((db) => [
    db.execute<{ tenant: OperatorTenantRow | null }>(
      sql`select app.operator_set_plan(${tenantId}::uuid, ${plan}) as tenant`,
    ),
  ]);
  const tenant = result.rows[0]?.tenant;
  if (!tenant) throw new ApiError("not_found", "No such tenant.");
  // Pushed before answering: the caller may rely on the new limits from the next request on.
  if (c.var.config.RATE_LIMIT_ENABLED) await c.var.rateLimiter.setPlan(tenantId, plan);
  return c.json(operatorTenantBody(tenant), 200);
});
